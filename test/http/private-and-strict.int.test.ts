import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { closeDb, openDb } from '../../src/db/open.js';
import { buildApp } from '../../src/http/app.js';
import { scrub } from '../../src/log/redact.js';
import { ingestSource } from '../../src/ingest/run.js';
import { finishRun, startRun } from '../../src/store/ingest-runs.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { activeSubscriber, form, FORM, pathOf } from '../helpers/http-fixtures.js';

// Issue 15, items 6–9: operations pages are private, one-click unsubscribes are never held back, input is
// strict, and nothing that holds an address or a token is readable by others, on disk or in the logs.

const METRICS_TOKEN = 'operator-token-0123456789abcdef';
const asOperator = { authorization: `Bearer ${METRICS_TOKEN}` };

describe('operations pages, one-click, strict input, files and logs (issue 15)', () => {
  let pb: TestPaperboy;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const json = (payload: unknown) => app.inject({ method: 'POST', url: '/api/subscriptions', payload: payload as object });

  beforeAll(async () => {
    pb = await startPaperboy({ METRICS_TOKEN });
    app = await buildApp(pb.ctx, { rateLimit: { max: 10_000, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await app.close();
    await pb.close();
  });

  it('6. /metrics is no oracle: anonymous scrapes get the same 401 whatever a sign-up did; /healthz says up or down; details need the token', async () => {
    // Addresses in every state, then a sign-up of each: the subscriber counts would move differently for each.
    activeSubscriber(pb, 'm-active@example.org');
    const left = activeSubscriber(pb, 'm-left@example.org');
    await app.inject({ method: 'POST', url: pathOf(pb.ctx.links.unsubscribe(left)), headers: FORM });
    await json({ email: 'm-pending@example.org' });
    const scrapes: string[] = [];
    const scrape = async () => {
      const res = await app.inject('/metrics');
      scrapes.push(`${res.statusCode} ${res.headers['www-authenticate']} ${res.body}`);
    };
    await scrape();
    for (const email of ['m-unknown@example.org', 'm-pending@example.org', 'm-active@example.org', 'm-left@example.org']) {
      expect((await json({ email })).statusCode).toBe(202);
      await scrape();
    }
    expect(new Set(scrapes).size).toBe(1);
    expect(scrapes[0]).toMatch(/^401 Bearer realm="paperboy operations" .*"code":"unauthorized"/);
    expect(scrapes[0]).not.toContain('paperboy_subscribers');
    for (const authorization of ['Bearer wrong-token-0123456789abcdef', `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
      expect((await app.inject({ url: '/metrics', headers: { authorization } })).statusCode).toBe(401);
    }
    const operator = await app.inject({ url: '/metrics', headers: asOperator });
    expect(operator.statusCode).toBe(200);
    expect(operator.body).toMatch(/^paperboy_subscribers\{status="active"\} 1$/m);

    // /healthz: up or down for everyone; sources and paths only for the operator, without secrets or server paths.
    const secretUrl = 'http://user:s3cret@feeds.example/api/daily?api_key=k3y&since=1#top';
    const run = startRun(pb.ctx.db, secretUrl, new Date());
    finishRun(pb.ctx.db, run, { format: null, fetched: 0, new: 0, updated: 0, rejected: 0, notModified: false, rejections: [],
      error: `HTTP 500 from ${secretUrl} (cache ${pb.dir}/cache/feed.json)` }, new Date());
    await ingestSource({ db: pb.ctx.db }, join(pb.dir, 'missing', 'papers.jsonl'));
    const open = await app.inject('/healthz');
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/healthz', headers: { authorization: 'Bearer nope-nope-nope-nope-nope-nope' } })).statusCode).toBe(401);
    const details = await app.inject({ url: '/healthz', headers: asOperator });
    expect(details.json().ingest.map((r: { source: string }) => r.source).sort()).toEqual(['http://feeds.example/api/daily', 'papers.jsonl']);
    for (const secret of ['s3cret', 'user:', 'api_key', 'k3y', '#top', pb.dir, '/missing/']) expect(details.body, secret).not.toContain(secret);
    expect(details.body).toContain('HTTP 500 from http://feeds.example/api/daily (cache feed.json)');
  });

  it('6. METRICS_TOKEN is checked at start, naming the key', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/^Invalid METRICS_TOKEN: must be at least 24 characters/);
    expect(() => loadConfig({ METRICS_TOKEN: `${'x'.repeat(24)} y` })).toThrow(/^Invalid METRICS_TOKEN: must be printable ASCII without spaces/);
    expect(loadConfig({ METRICS_TOKEN }).METRICS_TOKEN).toBe(METRICS_TOKEN);
  });

  it('7. one-click unsubscribes are never held back by the per-IP limit, and work from any origin', async () => {
    const tight = await buildApp(pb.ctx, { rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const subs = Array.from({ length: 25 }, (_, i) => activeSubscriber(pb, `oneclick${i}@example.org`));
      for (const [i, sub] of subs.entries()) {
        // A mail provider's server (no Origin; a form or multipart), and last a few from a webmail page (its own origin).
        const headers = i >= 20 ? { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example', 'sec-fetch-site': 'cross-site' }
          : i % 2 ? { 'content-type': 'multipart/form-data; boundary=b' } : { 'content-type': 'application/x-www-form-urlencoded' };
        const payload = i < 20 && i % 2 ? '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n' : 'List-Unsubscribe=One-Click';
        const res = await tight.inject({ method: 'POST', url: pathOf(pb.ctx.links.unsubscribe(sub)), payload, headers, remoteAddress: '198.51.100.7' });
        expect(res.statusCode, `one-click ${i}`).toBe(200);
      }
      expect(subs.map((s) => findByEmail(pb.ctx.db, s.email)!.status)).toEqual(Array(25).fill('unsubscribed'));
      // Every other POST from that address is still limited, and a cross-site POST that is no one-click is still refused.
      const signups = [];
      for (let i = 0; i < 4; i++) signups.push((await tight.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: `x${i}@example.org` }, remoteAddress: '198.51.100.7' })).statusCode);
      expect(signups).toEqual([202, 202, 202, 429]);
      const forged = await tight.inject({ method: 'POST', url: pathOf(pb.ctx.links.unsubscribe(subs[0])), payload: '', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
      expect(forged.statusCode).toBe(403);
    } finally {
      await tight.close();
    }
  });

  it.each([
    ['an empty list', []], ['null', null], ['true', true], ['a hex string', '0x10'], ['an exponent', '1e1'], ['a padded string', ' 8 '],
  ])('8. refuses %s as the hour instead of reading a number into it', async (name, hour) => {
    const res = await json({ email: `junk-hour.${name.replace(/\W/g, '')}@example.org`, hour });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'hour', message: 'hour: must be 0–23' });
  });

  it('8. stores canonical timezones, strips control and bidi/format characters, refuses invisible-only entries and past pauses', async () => {
    expect((await json({ email: 'tz@example.org', timezone: 'europe/paris', hour: '7' })).statusCode).toBe(202);
    expect(findByEmail(pb.ctx.db, 'tz@example.org')).toMatchObject({ timezone: 'Europe/Paris', hour: 7 });
    for (const [keywords, field] of [[['\u200b'], 'keywords.0'], [['ok', '\u202e\u200d'], 'keywords.1']] as const) {
      const res = await json({ email: 'zw@example.org', keywords });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ field, message: `${field}: must not be empty` });
    }
    expect((await json({
      email: 'bidi@example.org', keywords: ['\u202egpj.exe', 'diff\u00adusion'], authors: ['Ada\u200b Lovelace'], about: 'line one\u0000\u001b[31m\r\nline two\u2066',
    })).statusCode).toBe(202);
    const bidi = pb.ctx.db.prepare("SELECT keywords, authors, about FROM subscribers WHERE email = 'bidi@example.org'").get();
    expect(bidi).toEqual({ keywords: '["gpj.exe","diffusion"]', authors: '["Ada Lovelace"]', about: 'line one[31m\nline two' });

    const sub = activeSubscriber(pb, 'pause@example.org');
    const prefs = pathOf(pb.ctx.links.preferences(sub));
    const past = await app.inject({ method: 'POST', url: prefs, payload: form({ pausedUntil: '2020-06-01', timezone: 'asia/tokyo' }), headers: FORM });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('Pause until is in the past: choose today or a later day');
    for (const digestSize of ['0x10', '5.5', 'true']) {
      expect((await app.inject({ method: 'POST', url: prefs, payload: form({ digestSize }), headers: FORM })).body).toContain('Choose a number from 1 to 50.');
    }
    const ok = await app.inject({ method: 'POST', url: prefs, payload: form({ pausedUntil: '2037-06-01', timezone: 'asia/tokyo', keywords: 'a\u202e, b' }), headers: FORM });
    expect(ok.statusCode).toBe(303);
    expect(findByEmail(pb.ctx.db, 'pause@example.org')).toMatchObject({ pausedUntil: '2037-06-01', timezone: 'Asia/Tokyo', profile: { keywords: ['a', 'b'] } });
  });

  it('8. ingest strips control and bidi/format characters from titles, abstracts and authors, and keeps only arXiv-like categories', async () => {
    const file = join(pb.dir, 'hostile.jsonl');
    writeFileSync(file, `${JSON.stringify({
      id: '2611.00001', title: 'Safe\u202e title\u0007 with\u200b hidden marks', abstract: 'Abstract\u0000 with\u2067 an isolate.',
      authors: ['Eve\u001b[2J', '\u200b'], categories: ['cs.CV', '"><svg onload=alert(1)>', 'cs.' + 'A'.repeat(60), '68T05', 'I.2.7', 'math.NA', 'cond-mat.stat-mech'],
    })}\n`);
    expect((await ingestSource({ db: pb.ctx.db }, file)).new).toBe(1);
    const row = pb.ctx.db.prepare("SELECT title, abstract, authors, categories FROM papers WHERE id = '2611.00001'").get();
    expect(row).toEqual({
      title: 'Safe title with hidden marks', abstract: 'Abstract with an isolate.', authors: '["Eve[2J"]',
      categories: '["cs.CV","math.NA","cond-mat.stat-mech"]',
    });
    // A category stored before ingest checked them never becomes a sign-up checkbox.
    pb.ctx.db.prepare(`UPDATE papers SET categories = '["cs.LG","\\"><svg onload=alert(1)>"]' WHERE id = '2611.00001'`).run();
    // (A server started now: a running one keeps its category list for a few seconds.)
    const started = await buildApp(pb.ctx);
    const landing = await started.inject('/');
    await started.close();
    expect(landing.body).toContain('value="cs.LG"');
    expect(landing.body).not.toMatch(/<svg|onload/); // (the favicon's link names an .svg file)
  });

  it('9. log redaction covers every character an address may hold', () => {
    for (const email of ["hard.o'neil@example.org", 'a+b/c=d@example.org', '{x}|~y#z!@example.org', "o'neil.&co@xn--bcher-kva.example"]) {
      const out = scrub(`550 5.1.1 <${email}>: unknown user`);
      expect(out, email).not.toContain(email.slice(1));
      expect(out).toMatch(/<.…@/);
    }
    // A long run of address characters without an @ (from a feed or a report) is left as it is, in one pass (issue 21).
    const run = `${'a'.repeat(200_000)} and ${'x.'.repeat(50_000)} then ada@example.org`;
    expect(scrub(run)).toBe(`${'a'.repeat(200_000)} and ${'x.'.repeat(50_000)} then a…@example.org`);
  });

  it('9. the database, its index file, the outbox and each mail in it are readable by their owner only', async () => {
    await json({ email: 'modes@example.org' });
    const outbox = pb.config.PAPERBOY_OUTBOX;
    await expect.poll(() => existsSync(outbox) && readdirSync(outbox).some((f) => f.endsWith('.eml'))).toBe(true);
    const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);
    const db = pb.config.PAPERBOY_DB;
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-search`, `${db}-search-wal`, `${db}-search-shm`]) {
      if (existsSync(f)) expect(mode(f), f).toBe('600');
    }
    expect(mode(`${db}-search`)).toBe('600');
    expect(mode(outbox)).toBe('700');
    for (const f of readdirSync(outbox)) expect(mode(join(outbox, f)), f).toBe('600');
    // A database left world-readable by an earlier version is narrowed when opened; a new folder is 0700.
    const old = join(pb.dir, 'older', 'paperboy.db');
    const first = openDb(old);
    await closeDb(first);
    expect(mode(join(pb.dir, 'older'))).toBe('700');
    chmodSync(old, 0o644);
    await closeDb(openDb(old));
    expect(mode(old)).toBe('600');
  });
});
