// File names as people and terminals may safely read them: a name is bytes a user chose, not text we trust.

// C0 and C1 controls, DEL, and the line and paragraph separators: a newline in a name forges a log or status
// line, ESC starts a terminal escape sequence (colours, cursor moves, window titles). Bidi overrides
// (U+202A–U+202E, U+2066–U+2069) reverse what follows them on screen ("txt.exe" shown as "exe.txt").
const UNSAFE = /[\\\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** `name` with every control character written as a visible escape (`\n`, `\x1b`, `\u202e`), and `\` as `\\`. */
export function printableName(name: string): string {
  return name.replace(UNSAFE, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
