import { describe, it, expect } from 'vitest';
import { arxivVersion, normalizeArxivId } from '../../src/ingest/normalize.js';
import { parsePyLiteral } from '../../src/ingest/py-literal.js';
import { splitJsonArray } from '../../src/ingest/json-split.js';

describe('normalizeArxivId', () => {
  it.each([
    ['oai:arXiv.org:2403.14682v1', '2403.14682'],
    ['http://arxiv.org/abs/1111.2011v2', '1111.2011'],
    ['https://arxiv.org/pdf/2104.12255v1', '2104.12255'],
    ['arXiv:0808.0539', '0808.0539'],
    ['2412.07730', '2412.07730'],
    ['quant-ph/0201082v1', 'quant-ph/0201082'],
    ['http://arxiv.org/abs/math.GT/0309136v3', 'math.GT/0309136'],
    ['oai:arXiv.org:astro-ph/0601001', 'astro-ph/0601001'],
  ])('%s → %s', (raw, id) => {
    expect(normalizeArxivId(raw)).toBe(id);
  });

  it.each(['abc', '', 'https://arxiv.org/api/errors#incorrect_id_format_for_abc', '12345.678', 'title:abcd'])(
    'refuses %j', (raw) => {
      expect(normalizeArxivId(raw)).toBeNull();
    });

  it('reads the version', () => {
    expect(arxivVersion('oai:arXiv.org:2403.14682v12')).toBe(12);
    expect(arxivVersion('quant-ph/0201082')).toBeNull();
  });
});

describe('parsePyLiteral', () => {
  it('reads dicts, lists, tuples, booleans, None, numbers and escapes', () => {
    const v = parsePyLiteral(`{'a': [1, -2.5, (True, False)], "b": None, 'c': 'it\\'s\\n\\x41\\u00e9', 'd': 'x' 'y'}`);
    expect(v).toEqual({ a: [1, -2.5, [true, false]], b: null, c: "it's\nAé", d: 'xy' });
  });

  it('names the offset of an error', () => {
    expect(() => parsePyLiteral("{'a': foo(1)}")).toThrow(/character 7/);
    expect(() => parsePyLiteral("{'a': 'open")).toThrow(/unterminated string/);
  });
});

describe('splitJsonArray', () => {
  it('splits elements without being fooled by brackets in strings', () => {
    const text = '[{"a": "]", "b": [1, 2]}, "x,y" , 3]';
    const { elements, closed } = splitJsonArray(text, 0);
    expect(closed).toBe(true);
    expect(elements.map((e) => e.text.trim())).toEqual(['{"a": "]", "b": [1, 2]}', '"x,y"', '3']);
  });

  it('returns the cut-off tail of an unclosed array', () => {
    const { elements, closed } = splitJsonArray('[{"a": 1}, {"b": ', 0);
    expect(closed).toBe(false);
    expect(elements.map((e) => e.text.trim())).toEqual(['{"a": 1}', '{"b":']);
  });
});
