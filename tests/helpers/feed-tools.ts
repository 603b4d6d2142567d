// Independent judges for rendered feeds: xmllint (well-formedness, RELAX NG) and Python's feedparser.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `fn` with `body` written to a fresh temp file, then removes it. */
function withTempFile<T>(body: string, name: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pressroom-feed-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, body, 'utf8');
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `xmllint --noout [--relaxng schema] file`: ok when it exits 0 *and* reports no error. xmllint exits 0 on a
 * namespace error ("Namespace prefix dc on creator is not defined"), which feedparser then refuses, so
 * stderr counts too. `errors` is stderr without the "file validates" line a passing schema check prints.
 */
export function xmllintOk(xml: string, schema?: string): { ok: boolean; errors: string } {
  return withTempFile(xml, 'doc.xml', (file) => {
    const args = ['--noout', ...(schema === undefined ? [] : ['--relaxng', schema]), file];
    const run = spawnSync('xmllint', args, { encoding: 'utf8' });
    if (run.error) return { ok: false, errors: `xmllint did not run: ${run.error.message}` };
    const errors = run.stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.endsWith(' validates'))
      .join('\n');
    return { ok: run.status === 0 && errors === '', errors };
  });
}

/** The string value of an XPath expression over `xml` (`xmllint --xpath 'string(...)'`, minus its newline). */
export function xpathString(xml: string, expr: string): string {
  return withTempFile(xml, 'doc.xml', (file) =>
    execFileSync('xmllint', ['--xpath', `string(${expr})`, file], { encoding: 'utf8' }).replace(/\n$/, ''),
  );
}

export interface FeedparserInfo {
  /** feedparser's bozo flag: the document was not a well-formed feed. */
  bozo: boolean;
  bozoException?: string;
  ids: string[];
  titles: string[];
  links: string[];
}

/**
 * The first Python that can import feedparser. `python3` on PATH may be a pyenv shim without Debian's
 * dist-packages, where apt's python3-feedparser lives; `/usr/bin/python3` has them. `PRESSROOM_PYTHON` wins.
 */
let python: string | undefined;
function feedparserPython(): string {
  if (python !== undefined) return python;
  const candidates = [process.env.PRESSROOM_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import feedparser'], { encoding: 'utf8' });
    if (probe.status === 0) return (python = candidate);
  }
  throw new Error(`no Python with feedparser among ${candidates.join(', ')}: apt-get install python3-feedparser`);
}

/** What python3-feedparser (the Universal Feed Parser many readers use) makes of a feed body. */
export function feedparserInfo(body: string): FeedparserInfo {
  return feedparserMany([body])[0]!;
}

/** Runs `fn` with every body written to its own temp file (named by index), then removes them. */
function withTempFiles<T>(bodies: string[], fn: (files: string[]) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pressroom-feeds-'));
  try {
    const files = bodies.map((body, i) => {
      const file = join(dir, `doc${i}.xml`);
      writeFileSync(file, body, 'utf8');
      return file;
    });
    return fn(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `xmllintOk` for many documents in one xmllint run (a process per document is what makes a suite slow).
 * Returns the errors of each document, '' for a clean one.
 */
export function xmllintMany(xmls: string[], schema?: string): string[] {
  if (xmls.length === 0) return [];
  return withTempFiles(xmls, (files) => {
    const args = ['--noout', ...(schema === undefined ? [] : ['--relaxng', schema]), ...files];
    const run = spawnSync('xmllint', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.error) return files.map(() => `xmllint did not run: ${run.error!.message}`);
    const lines = run.stderr.split('\n').filter((line) => line.trim() !== '' && !line.endsWith(' validates'));
    return files.map((file) => lines.filter((l) => l.startsWith(file)).join('\n'));
  });
}

/** `feedparserInfo` for many documents in one Python process. */
export function feedparserMany(bodies: string[]): FeedparserInfo[] {
  if (bodies.length === 0) return [];
  const script = `
import json, sys, feedparser
out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        body = f.read()
    try:
        d = feedparser.parse(body)
    except Exception as exc:
        d = feedparser.FeedParserDict(bozo=1, bozo_exception=exc, entries=[])
    o = {
        'bozo': bool(d.get('bozo')),
        'ids': [e.get('id', '') for e in d.entries],
        'titles': [e.get('title', '') for e in d.entries],
        'links': [e.get('link', '') for e in d.entries],
    }
    if d.get('bozo'):
        exc = d.get('bozo_exception')
        o['bozoException'] = '%s: %s' % (type(exc).__name__, exc)
    out.append(o)
print(json.dumps(out))
`;
  return withTempFiles(bodies, (files) => {
    const stdout = execFileSync(feedparserPython(), ['-c', script, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as FeedparserInfo[];
  });
}
