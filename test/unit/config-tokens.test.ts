import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { signToken, tokenSubject, verifyToken } from '../../src/http/tokens.js';

describe('loadConfig', () => {
  it('has working defaults for a fresh clone', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PAPERBOY_DB: './data/paperboy.db', PORT: 3000, HOST: '127.0.0.1', PUBLIC_URL: 'http://127.0.0.1:3000', PAPERBOY_OUTBOX: './data/outbox' });
    expect(c.SMTP_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '70000'], ['SMTP_URL', 'http://mail.example.org'], ['PUBLIC_URL', 'not a url'],
    ['INGEST_CRON', 'every hour'], ['PAPERBOY_SECRET', 'short'],
  ])('names %s when its value %j is bad', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`^Invalid ${key}: `));
  });

  it('splits PAPERBOY_SOURCES and trims a trailing slash from PUBLIC_URL', () => {
    const c = loadConfig({ PAPERBOY_SOURCES: 'a.txt, https://x.org/feed ,', PUBLIC_URL: 'https://papers.example.org/' });
    expect(c.PAPERBOY_SOURCES).toEqual(['a.txt', 'https://x.org/feed']);
    expect(c.PUBLIC_URL).toBe('https://papers.example.org');
  });
});

describe('link tokens', () => {
  const secret = 's'.repeat(32);
  const token = signToken(secret, 'manage', 42, 1);

  it('carry at least 128 random-looking bits and verify for their purpose, id and version', () => {
    expect(token.split('.')[1]).toHaveLength(43); // 256-bit HMAC, base64url
    expect(tokenSubject(token)).toBe(42);
    expect(verifyToken(secret, 'manage', token, 1)).toBe(true);
  });

  it('fail for another purpose, version, secret, or any changed character', () => {
    expect(verifyToken(secret, 'confirm', token, 1)).toBe(false);
    expect(verifyToken(secret, 'manage', token, 2)).toBe(false);
    expect(verifyToken('t'.repeat(32), 'manage', token, 1)).toBe(false);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(verifyToken(secret, 'manage', flipped, 1)).toBe(false);
    expect(verifyToken(secret, 'manage', token.slice(0, -3), 1)).toBe(false);
    expect(verifyToken(secret, 'manage', `${(43).toString(36)}.${token.split('.')[1]}`, 1)).toBe(false);
  });
});
