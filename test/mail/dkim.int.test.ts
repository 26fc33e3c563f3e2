import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ingestListingFile } from '../helpers/papers.js';
import { deliver } from '../../src/mail/sender.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { verifyDkim } from '../helpers/dkim.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addSubscribers } from '../helpers/subscribers.js';

// DKIM: the signature covers both one-click unsubscribe headers and verifies against the public key.
describe('DKIM signing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-dkim-'));
  const keyFile = join(dir, 'dkim.pem');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  let smtp: TestSmtp;
  let pb: TestPaperboy;

  beforeAll(async () => {
    smtp = await startSmtp();
    pb = await startPaperboy({ SMTP_URL: smtp.url, DKIM_DOMAIN: 'paperboy.test', DKIM_SELECTOR: 'pb2026', DKIM_PRIVATE_KEY_FILE: keyFile });
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt', new Date('2026-11-29T00:00:00Z'));
    addSubscribers(pb.ctx.db, 1);
  });
  afterAll(async () => {
    await pb.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs List-Unsubscribe and List-Unsubscribe-Post, and the signature verifies (relaxed/relaxed, rsa-sha256)', async () => {
    expect(await deliver(pb.ctx, new Date('2026-11-29T09:00:00Z'))).toMatchObject({ sent: 1 });
    const raw = smtp.raw[0].toString('utf8');
    const result = verifyDkim(raw, createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })));
    expect(result.signed.map((h) => h.toLowerCase())).toEqual(expect.arrayContaining(['from', 'subject', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id']));
    expect(result).toMatchObject({ bodyHashOk: true, signatureOk: true });
    expect(raw).toMatch(/^DKIM-Signature: .*d=paperboy\.test;.*s=pb2026;/ms);
  });

  it('a tampered List-Unsubscribe breaks the signature (the check can fail)', () => {
    const original = smtp.raw[0].toString('utf8');
    const raw = original.replace(/^(List-Unsubscribe:\s*<[^>]*)>/m, '$1x>');
    expect(raw).not.toBe(original);
    const result = verifyDkim(raw, createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })));
    expect(result.signatureOk).toBe(false);
  });

  it('config: DKIM settings come all together, and a bad key file stops the start naming the variable', () => {
    expect(() => loadConfig({ DKIM_DOMAIN: 'paperboy.test' })).toThrow(/^Invalid DKIM_SELECTOR: DKIM needs/);
    expect(() => loadConfig({ DKIM_DOMAIN: 'paperboy.test', DKIM_SELECTOR: 's', DKIM_PRIVATE_KEY_FILE: join(dir, 'missing.pem') })).toThrow(/^Invalid DKIM_PRIVATE_KEY_FILE: /);
    expect(() => loadConfig({ SMTP_MAX_CONNECTIONS: '0' })).toThrow(/^Invalid SMTP_MAX_CONNECTIONS/);
    expect(() => loadConfig({ SMTP_TIMEOUT_MS: '600000' })).toThrow(/^Invalid DELIVERY_LEASE_MS/);
  });
});
