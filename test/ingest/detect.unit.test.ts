import { describe, it, expect } from 'vitest';
import { detectFormat } from '../../src/ingest/detect.js';
import { fixture } from '../helpers/ingest.js';

describe('detectFormat', () => {
  it.each([
    ['hf-daily/2024-05-27.json', 'hf-daily'],
    ['hf-daily/2025-01-10.json', 'hf-daily'],
    ['arxiv-api/legacy-2016-id_list_1111.2011v2.xml', 'arxiv-atom'],
    ['arxiv-api/id_abc_s0_m100_b79c8dcf6bc3.xml', 'arxiv-atom'],
    ['arxiv-rss/cs.CL.rss.xml', 'arxiv-rss'],
    ['arxiv-rss/cs.CL.atom.xml', 'arxiv-rss'],
    ['arxiv-2026q2-200.jsonl', 'jsonl'],
    ['hf-papers-page.txt', 'listing'],
  ])('%s is %s', (file, format) => {
    expect(detectFormat(fixture(file), '')).toBe(format);
  });

  it('uses the file name for JSONL whose first line is broken', () => {
    expect(detectFormat('{"id": "x", "ti\n{"id": "y"}\n', 'dump.jsonl')).toBe('jsonl');
  });

  it('refuses an HTML error page, naming its title', () => {
    const html = '<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body>Try later</body></html>';
    expect(() => detectFormat(html)).toThrow('an HTML page, not a feed ("503 Service Unavailable")');
  });

  it('refuses a JSON error answer, quoting it', () => {
    expect(() => detectFormat('{"error": "Invalid date: 2025-13-01"}')).toThrow('the source answered with an error: "Invalid date: 2025-13-01"');
  });

  it('refuses empty input', () => {
    expect(() => detectFormat('  \n')).toThrow('empty input');
  });
});
