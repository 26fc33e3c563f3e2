import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListing } from '../../src/ingest/listing.js';
import { cleanText } from '../../src/ingest/text.js';

describe('parseListing on the real saved Hugging Face page', () => {
  const { papers, rejected } = parseListing(readFileSync('test/fixtures/hf-papers-page.txt', 'utf8'));

  it('skips the page chrome and unglues "Subscribe" from the first title', () => {
    expect(rejected).toEqual([]);
    expect(papers).toHaveLength(199);
    expect(papers[0].title).toBe('Rethinking Counterfactual Data Augmentation Under Confounding');
    expect(papers.every((p) => p.abstract.length > 80 && !/^Get trending/.test(p.title))).toBe(true);
  });

  it('shows LaTeX in titles readably', () => {
    expect(papers.map((p) => p.title)).toContain('GenderBias-VL: Benchmarking Gender Bias in Vision Language Models via Counterfactual Probing');
    expect(papers.some((p) => /\\emph|\\deg/.test(p.title + p.abstract))).toBe(false);
  });
});

describe('parseListing on malformed input', () => {
  const abstract = 'An abstract long enough to be one, describing a method, its experiments and what they show about it.';

  it('rejects a title with no abstract and a stray long line, naming the line, and keeps the rest', () => {
    const text = ['Good Title', abstract, 'Orphan Title', 'Another Title', abstract, `${abstract} ${abstract} ${abstract} ${abstract}`].join('\n');
    const { papers, rejected } = parseListing(text);
    expect(papers.map((p) => p.title)).toEqual(['Good Title', 'Another Title']);
    expect(rejected).toEqual([
      { where: 'line 3', reason: 'a title with no abstract after it' },
      { where: 'line 6', reason: 'a long line with no title before it' },
    ]);
  });
});

describe('cleanText', () => {
  it.each([
    ['GenderBias-\\emph{VL}', 'GenderBias-VL'],
    ['$\\alpha$-tuning at 360{\\deg}', 'α-tuning at 360°'],
    ['Fr\\\'echet and na\\"ive', 'Fréchet and naïve'],
    ['A &amp;lt; B &amp; C', 'A &lt; B & C'],
    ['  many\n  spaces\t here ', 'many spaces here'],
  ])('%j → %j', (input, out) => expect(cleanText(input)).toBe(out));
});
