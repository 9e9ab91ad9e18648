import { describe, expect, it } from 'vitest';
import { CsvSafeText, localStoreParser } from './local-store.ts';

describe('the local-store parser', () => {
  it('keeps json and jsonb as their text', () => {
    expect(localStoreParser.jsonb('{"a": [1, null]}')).toBe('{"a": [1, null]}');
    expect(localStoreParser.json('"just a string"')).toBe('"just a string"');
  });

  it('passes ordinary text through and wraps only what the csv writer would mis-encode', () => {
    for (const plain of ['', 'a, "b"\nc', '\\', '\\Nx', ' \\N ']) expect(localStoreParser.text(plain)).toBe(plain);
    for (const odd of ['\\N', 'a\rb', 'crlf\r\n']) expect(localStoreParser.text(odd)).toBeInstanceOf(CsvSafeText);
  });

  it('reads as a quoted CSV field to the csv writer and as the text itself to PGlite and JSON', () => {
    const v = new CsvSafeText('a\r"b"');
    expect(String(v)).toBe('"a\r""b"""');
    expect([1, v].join(',')).toBe('1,"a\r""b"""');
    expect(v.toISOString()).toBe('a\r"b"');
    expect(JSON.stringify({ v })).toBe('{"v":"a\\r\\"b\\""}');
    expect(v).toBeInstanceOf(Date);
  });
});
