import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendDueDigests } from '../../src/mail/sender.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { ingestListingFile } from '../helpers/papers.js';
import { activeSubscriber, dumpDb, form, FORM, pathOf } from '../helpers/http-fixtures.js';

// A subscriber's own data: "Download my data" shows the bounces and complaints that came back about the address,
// and "Delete my data" erases them with the rest.
const POSTMARK = 'postmark:pm-webhook-secret-0123456789';

let pb: TestPaperboy;
beforeEach(async () => {
  pb = await startPaperboy({ POSTMARK_WEBHOOK_AUTH: POSTMARK });
  ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt');
});
afterEach(async () => { await pb.close(); });

const bounce = (email: string) => pb.app.inject({
  method: 'POST', url: '/webhooks/postmark', payload: readFileSync('test/fixtures/webhooks/postmark-bounce.json', 'utf8').replaceAll('{{EMAIL}}', email),
  headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(POSTMARK).toString('base64')}` },
});

describe('my data', () => {
  it('the download holds the row, the digests, and the bounce that came back; opening it changes nothing', async () => {
    const sub = activeSubscriber(pb, 'Keep.Track@Example.org', { keywords: ['diffusion'] });
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    expect((await bounce('keep.track@example.org')).statusCode).toBe(200);
    const prefs = pathOf(pb.ctx.links.preferences(sub));
    expect((await pb.app.inject(prefs)).body).toContain(`href="${prefs}/data"`);
    const before = dumpDb(pb);
    const res = await pb.app.inject(`${prefs}/data`);
    expect(dumpDb(pb)).toBe(before);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="paperboy-my-data.json"');
    expect(res.headers['cache-control']).toBe('no-store');
    const data = res.json();
    expect(data.subscriber).toMatchObject({ email: 'Keep.Track@Example.org', status: 'active', keywords: ['diffusion'], hardBounces: 1 });
    expect(data.subscriber).not.toHaveProperty('token_version');
    expect(data.digests).toEqual([expect.objectContaining({ state: 'sent', papers: expect.arrayContaining([expect.any(String)]) })]);
    expect(data.mailEvents).toEqual([expect.objectContaining({ kind: 'hard', source: 'postmark', detail: expect.stringContaining('5.1.1') })]);
    expect((await pb.app.inject(`/preferences/${'0'.repeat(32)}.${'A'.repeat(43)}/data`)).statusCode).toBe(404);
  });

  it('deleting my data erases the bounce and complaint reports about me too', async () => {
    const sub = activeSubscriber(pb, 'forget.me@example.org');
    await bounce('forget.me@example.org');
    expect(pb.ctx.db.prepare('SELECT count(*) FROM mail_events WHERE subscriber_id = ?').pluck().get(sub.id)).toBe(1);
    const res = await pb.app.inject({ method: 'POST', url: `${pathOf(pb.ctx.links.preferences(sub))}/delete`, headers: FORM, payload: form({ confirm: 'yes' }) });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/deleted']);
    expect(pb.ctx.db.prepare('SELECT count(*) FROM mail_events').pluck().get()).toBe(0);
    expect(dumpDb(pb).toLowerCase()).not.toContain('forget.me');
  });
});
