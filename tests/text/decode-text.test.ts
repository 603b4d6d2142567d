// decodeText: one decoder for feeds, pages and bulletins; legacy bytes are never U+FFFD.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, type TextKind } from '../../src/text/decode-text.js';

const cp1252 = (s: string): Buffer => iconv.encode(s, 'windows-1252');
const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

describe('decodeText', () => {
  it.each<{ description: string; bytes: Buffer; kind: TextKind; contentType?: string; text: string; encoding: string; warns: boolean }>([
    { description: 'plain UTF-8', bytes: Buffer.from('Café München “q”'), kind: 'plain', text: 'Café München “q”', encoding: 'utf-8', warns: false },
    { description: 'plain windows-1252 from a word processor', bytes: cp1252('Café München “q” – 5€'), kind: 'plain', text: 'Café München “q” – 5€', encoding: 'windows-1252', warns: true },
    { description: 'UTF-8 with BOM', bytes: Buffer.from('\ufeffCafé'), kind: 'plain', text: 'Café', encoding: 'utf-8', warns: false },
    { description: 'UTF-16LE with BOM', bytes: utf16le('Café'), kind: 'plain', text: 'Café', encoding: 'utf-16le', warns: false },
    { description: 'a Portuguese feed with no declaration', bytes: cp1252('<rss><title>simulações</title></rss>'), kind: 'xml', text: '<rss><title>simulações</title></rss>', encoding: 'windows-1252', warns: true },
    { description: 'the XML prolog decides', bytes: Buffer.concat([Buffer.from('<?xml version="1.0" encoding="iso-8859-15"?><a>'), Buffer.from([0xa4]), Buffer.from('</a>')]), kind: 'xml', text: '<?xml version="1.0" encoding="iso-8859-15"?><a>€</a>', encoding: 'iso-8859-15', warns: false },
    { description: 'a page meta charset decides', bytes: Buffer.concat([Buffer.from('<meta charset="windows-1252"><p>'), cp1252('é')]), kind: 'html', text: '<meta charset="windows-1252"><p>é', encoding: 'windows-1252', warns: false },
    { description: 'the prolog is not read for plain text', bytes: Buffer.from('<?xml encoding="iso-8859-1"?>é'), kind: 'plain', text: '<?xml encoding="iso-8859-1"?>é', encoding: 'utf-8', warns: false },
    { description: 'HTTP charset beats the prolog', bytes: Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>é'), contentType: 'text/xml; charset=utf-8', kind: 'xml', text: '<?xml version="1.0" encoding="ISO-8859-1"?>é', encoding: 'utf-8', warns: false },
    { description: 'declared UTF-8 on legacy bytes is read as windows-1252', bytes: cp1252('café'), contentType: 'text/xml; charset=utf-8', kind: 'xml', text: 'café', encoding: 'windows-1252', warns: true },
    { description: 'damaged UTF-8 (mostly valid) stays UTF-8 with a warning', bytes: Buffer.concat([Buffer.from('été à '), Buffer.from([0xff])]), kind: 'plain', text: 'été à \ufffd', encoding: 'utf-8', warns: true },
    { description: 'unknown charset label, valid UTF-8', bytes: Buffer.from('é'), contentType: 'text/xml; charset=x-made-up', kind: 'xml', text: 'é', encoding: 'utf-8', warns: true },
    { description: 'unknown charset label, legacy bytes', bytes: cp1252('é'), contentType: 'text/xml; charset=x-made-up', kind: 'xml', text: 'é', encoding: 'windows-1252', warns: true },
  ])('$description', ({ bytes, kind, contentType, text, encoding, warns }) => {
    const out = decodeText(bytes, { kind, contentType });
    expect(out.text).toBe(text);
    expect(out.encoding).toBe(encoding);
    expect(Boolean(out.warning)).toBe(warns);
  });

  it('gives the same text whichever encoding the same bulletin was saved in', () => {
    const words = 'Europol: Café “Zum Löwen” in München – 3 arrests…\n';
    const texts = [Buffer.from(words), cp1252(words), utf16le(words), Buffer.from('\ufeff' + words)].map((b) => decodeText(b, { kind: 'plain' }).text);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).not.toContain('\ufffd');
  });
});
