// decodeBody: BOM, then HTTP charset, then the XML declaration, then UTF-8; Latin-1 read as windows-1252.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/sources/decode-body.js';
import { FIXTURE_FEEDS_DIR } from '../helpers/fixture-server.js';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const utf16le = (s: string): Buffer => Buffer.from(s, 'utf16le');
const utf16be = (s: string): Buffer => utf16le(s).swap16();

describe('decodeBody', () => {
  it.each([
    { description: 'UTF-8 BOM, stripped', bytes: Buffer.from('\ufeff<rss>é</rss>'), contentType: undefined, expected: '<rss>é</rss>' },
    { description: 'UTF-16LE BOM', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('<rss>’</rss>')]), contentType: undefined, expected: '<rss>’</rss>' },
    { description: 'UTF-16BE BOM', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('<rss>’</rss>')]), contentType: undefined, expected: '<rss>’</rss>' },
    { description: 'BOM beats the HTTP charset', bytes: Buffer.from('\ufeffé'), contentType: 'text/xml; charset=iso-8859-1', expected: 'é' },
    { description: 'HTTP windows-1252: 0x93 0x94 0x80 are “ ” €', bytes: latin1('\x93a\x94 5\x80'), contentType: 'application/rss+xml; charset=windows-1252', expected: '“a” 5€' },
    { description: 'HTTP ISO-8859-1 is read as windows-1252 (0x92 is ’)', bytes: latin1('l\x92agence caf\xe9'), contentType: 'text/xml; charset=ISO-8859-1', expected: 'l’agence café' },
    { description: 'HTTP latin1 label', bytes: latin1('\x96'), contentType: 'text/xml;charset=latin1', expected: '–' },
    { description: 'HTTP us-ascii label', bytes: latin1('\xe9'), contentType: 'text/xml; charset=us-ascii', expected: 'é' },
    { description: 'quoted HTTP charset', bytes: latin1('\xe9'), contentType: 'text/xml; charset="iso-8859-1"', expected: 'é' },
    { description: 'HTTP charset beats the XML declaration', bytes: Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><t>é</t>'), contentType: 'text/xml; charset=utf-8', expected: '<?xml version="1.0" encoding="ISO-8859-1"?><t>é</t>' },
    { description: 'XML declaration when HTTP says nothing', bytes: latin1("<?xml version='1.0' encoding='iso-8859-1'?><t>\xe9\x92</t>"), contentType: 'application/xml', expected: "<?xml version='1.0' encoding='iso-8859-1'?><t>é’</t>" },
    { description: 'other charsets through iconv-lite (ISO-8859-15: 0xA4 is €)', bytes: latin1('\xa4'), contentType: 'text/xml; charset=iso-8859-15', expected: '€' },
    { description: 'windows-1251 from the XML declaration', bytes: Buffer.concat([latin1('<?xml version="1.0" encoding="windows-1251"?>'), Buffer.from([0xcf, 0xf0, 0xe8])]), contentType: undefined, expected: '<?xml version="1.0" encoding="windows-1251"?>При' },
    { description: 'unknown charset falls back to UTF-8', bytes: Buffer.from('é'), contentType: 'text/xml; charset=x-made-up', expected: 'é' },
    { description: 'nothing declared: UTF-8', bytes: Buffer.from('<rss>“é”</rss>'), contentType: undefined, expected: '<rss>“é”</rss>' },
    { description: 'BOM-less UTF-16LE recognised from `<?`', bytes: utf16le('<?xml version="1.0" encoding="UTF-16"?><a>’</a>'), contentType: undefined, expected: '<?xml version="1.0" encoding="UTF-16"?><a>’</a>' },
    { description: 'a UTF-16 declaration on ASCII bytes is ignored', bytes: Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a>é</a>'), contentType: undefined, expected: '<?xml version="1.0" encoding="UTF-16"?><a>é</a>' },
    { description: 'undeclared bytes that are not UTF-8 are windows-1252, not U+FFFD', bytes: Buffer.from([0x3c, 0x61, 0xff, 0x3e]), contentType: undefined, expected: '<aÿ>' },
  ])('$description', ({ bytes, contentType, expected }) => {
    expect(decodeBody(bytes, contentType)).toBe(expected);
  });

  it('decodes the ISO-8859-1 fixture from its XML declaration alone', () => {
    const text = decodeBody(readFileSync(FIXTURE_FEEDS_DIR + 'latin1-decl.rss'), 'application/rss+xml');
    expect(text).toContain('<title>Actualités de l’agence</title>');
    expect(text).toContain('“renforcée” – coût 5 €');
    expect(text).not.toMatch(/[\u0080-\u009f]/); // what Node 20's TextDecoder would have left
  });

  it('strips the BOM of the UTF-8 fixture', () => {
    expect(decodeBody(readFileSync(FIXTURE_FEEDS_DIR + 'utf8-bom.rss')).startsWith('<?xml')).toBe(true);
  });
});
