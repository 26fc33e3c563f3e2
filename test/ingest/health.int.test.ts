// /healthz shows the last run of each source, so an operator sees a failing feed without a shell.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { ingestSource } from '../../src/ingest/run.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { fixturePath } from './helpers.js';

describe('GET /healthz', () => {
  let pb: TestPaperboy;
  beforeAll(async () => { pb = await startPaperboy(); });
  afterAll(async () => pb.close());

  it('lists the latest run per source, failures included', async () => {
    const good = fixturePath('hf-daily/2024-12-11.json');
    await ingestSource({ db: pb.ctx.db }, good);
    await ingestSource({ db: pb.ctx.db }, good);
    await ingestSource({ db: pb.ctx.db }, '/nonexistent.xml');
    const body = (await pb.app.inject('/healthz')).json();
    expect(body.papers).toBe(26);
    // Rows come sorted by source path, which depends on where the checkout lives.
    expect(body.ingest).toHaveLength(2);
    expect(body.ingest).toEqual(expect.arrayContaining([
      { source: '/nonexistent.xml', finished: expect.any(String), fetched: 0, new: 0, updated: 0, rejected: 0, error: expect.stringMatching(/^cannot read \/nonexistent\.xml: ENOENT/) },
      { source: good, finished: expect.any(String), fetched: 26, new: 0, updated: 0, rejected: 0, error: null },
    ]));
  });
});
