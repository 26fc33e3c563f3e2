import { describe, it, expect } from 'vitest';
import { isUrl, retryAfterMs, userAgent } from '../../src/ingest/fetch.js';
import { HostLimiter } from '../../src/ingest/rate-limit.js';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, capped at a minute', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('86400', now)).toBe(60_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('HostLimiter', () => {
  it('queues requests to arxiv.org hosts 3 s apart and lets other hosts through', async () => {
    let clock = 1_000;
    const waits: number[] = [];
    const limiter = new HostLimiter(3000, undefined, () => clock, async (ms) => { waits.push(ms); });
    await Promise.all([
      limiter.wait('https://export.arxiv.org/api/query?id_list=1'),
      limiter.wait('https://rss.arxiv.org/rss/cs.CL'),
      limiter.wait('https://huggingface.co/api/daily_papers'),
      limiter.wait('https://arxiv.org/abs/2401.00001'),
    ]);
    expect(waits).toEqual([3000, 6000]);
    clock += 10_000;
    await limiter.wait('https://export.arxiv.org/api/query?id_list=2');
    expect(waits).toEqual([3000, 6000]);
  });
});

describe('fetch helpers', () => {
  it('names the instance in the User-Agent and tells URLs from files', () => {
    expect(userAgent('https://papers.example.org')).toBe('Paperboy/0.1 (+https://papers.example.org)');
    expect(isUrl('HTTPS://export.arxiv.org/api/query')).toBe(true);
    expect(isUrl('data/feeds/http-notes.xml')).toBe(false);
  });
});
