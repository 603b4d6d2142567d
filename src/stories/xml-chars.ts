// Removes the characters XML 1.0 cannot carry, so any text can go into an RSS/Atom document.

// XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// So: C0 controls other than tab/LF/CR, the noncharacters U+FFFE/U+FFFF, and any surrogate
// that is not half of a pair (a pair encodes a legal astral character). Runs in linear time.
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripXmlInvalid(s: string): string {
  return s.replace(XML_INVALID, '');
}
