import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { closeDb, openDb } from '../../src/db/open.js';
import { startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { FORM } from '../helpers/http-fixtures.js';

// Upgrading a database of before migration 009 (one token for everything, confirmation mails queued on the
// subscriber row): links already in inboxes unsubscribe for 60 days and do nothing else; mails still queued go out.

const SECRET = 'a-secret-of-at-least-32-characters-for-tests';
/** A link token as Paperboy signed them before 009: `<id in base 36>.<HMAC of manage:id:version>`. */
const legacyToken = (id: number, version = 1) => `${id.toString(36)}.${createHmac('sha256', SECRET).update(`manage:${id}:${version}`).digest('base64url')}`;

describe('links mailed before scoped tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-legacy-'));
  const file = join(dir, 'paperboy.db');
  let pb: TestPaperboy;

  beforeAll(async () => {
    const db = openDb(file);
    migrate(db, loadMigrations().filter((m) => m.version <= 8));
    const insert = db.prepare(`INSERT INTO subscribers (id, email, status, keywords, timezone, hour, created_at, confirm_nonce, confirm_sent_at, confirm_mail)
      VALUES (?, ?, ?, '["legacy"]', 'UTC', 9, '2026-11-01T00:00:00Z', ?, ?, ?)`);
    insert.run(7, 'old.reader@example.org', 'active', null, null, 'sent');
    insert.run(8, 'queued@example.org', 'pending', 'nonce', new Date().toISOString(), 'queued');
    await closeDb(db);
    pb = await startPaperboy({ PAPERBOY_DB: file, PAPERBOY_SECRET: SECRET });
  });
  afterAll(async () => {
    await pb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps old unsubscribe links unsubscribing, one-click included, and nothing else', async () => {
    const old = legacyToken(7);
    const page = await pb.app.inject(`/unsubscribe/${old}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Unsubscribe old.reader@example.org?');
    for (const url of [`/preferences/${old}`, `/digests/${old}`, `/feedback/${old}/2401.00001/up`, `/confirm/${old}`]) {
      expect((await pb.app.inject(url)).statusCode, url).toBe(404);
    }
    const status = () => pb.ctx.db.prepare('SELECT status FROM subscribers WHERE id = 7').pluck().get();
    const oneClick = { method: 'POST' as const, url: `/unsubscribe/${old}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect((await pb.app.inject(oneClick)).statusCode).toBe(200);
    expect(status()).toBe('unsubscribed');
    // The buttons of that page mail the owner instead of opening anything.
    expect((await pb.app.inject({ method: 'POST', url: `/unsubscribe/${old}/preferences-link`, headers: FORM })).statusCode).toBe(303);
    // After the 60 days they stop working too.
    pb.ctx.db.prepare("UPDATE settings SET value = '2000-01-01T00:00:00.000Z' WHERE key = 'legacy_unsubscribe_until'").run();
    expect((await pb.app.inject(oneClick)).statusCode).toBe(404);
    expect((await pb.app.inject(`/unsubscribe/${old}`)).statusCode).toBe(404);
  });

  it('sends a confirmation mail that was still queued, in the new form, with the interests it asked for', async () => {
    const request = pb.ctx.db.prepare("SELECT kind, asked FROM signup_requests WHERE subscriber_id = 8").get() as { kind: string; asked: string };
    expect(request.kind).toBe('confirm');
    expect(JSON.parse(request.asked)).toMatchObject({ keywords: ['legacy'], hour: 9, timezone: 'UTC', frequency: 'daily' });
    const outbox = pb.config.PAPERBOY_OUTBOX;
    const mails = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(outbox, f), 'utf8')) : []);
    await expect.poll(() => mails().filter((m) => m.includes('To: queued@example.org')).length).toBe(1);
    const link = /\/confirm\/[0-9a-f]{32}\.[\w-]{43}/.exec(mails().find((m) => m.includes('To: queued@example.org'))!.replace(/=\r?\n/g, ''))![0];
    expect((await submit(pb.app, { url: link, headers: FORM })).body).toContain('You are subscribed');
    expect(pb.ctx.db.prepare('SELECT status FROM subscribers WHERE id = 8').pluck().get()).toBe('active');
  });
});
