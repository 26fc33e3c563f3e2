// /healthz shows the operator the last run of each source, so a failing feed is seen without a shell.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { ingestSource } from '../../src/ingest/run.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { fixturePath } from '../helpers/ingest.js';

describe('GET /healthz', () => {
  let pb: TestPaperboy;
  const METRICS_TOKEN = 'operator-token-0123456789abcdef';
  beforeAll(async () => { pb = await startPaperboy({ METRICS_TOKEN }); });
  afterAll(async () => pb.close());

  it('lists the latest run per source, failures included', async () => {
    const good = fixturePath('hf-daily/2024-12-11.json');
    await ingestSource({ db: pb.ctx.db }, good);
    await ingestSource({ db: pb.ctx.db }, good);
    await ingestSource({ db: pb.ctx.db }, '/nonexistent.xml');
    const body = (await pb.app.inject({ url: '/healthz', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json();
    expect(body.papers).toBe(26);
    // Rows come sorted by source path, which depends on where the checkout lives.
    expect(body.ingest).toHaveLength(2);
    expect(body.ingest).toEqual(expect.arrayContaining([
      // Files by their name only: no absolute path leaves the server.
      { source: 'nonexistent.xml', finished: expect.any(String), fetched: 0, new: 0, updated: 0, rejected: 0, error: expect.stringMatching(/^cannot read nonexistent\.xml: ENOENT/) },
      { source: '2024-12-11.json', finished: expect.any(String), fetched: 26, new: 0, updated: 0, rejected: 0, error: null },
    ]));
  });
});
