import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSender, emailDomainAllowed, loadConfig, loadEnvironmentConfig } from '../src/config.js';
import { signToken, tokenSubject, verifyToken } from '../src/links/tokens.js';

describe('loadConfig', () => {
  it('has working defaults for a fresh clone', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PAPERBOY_DB: './data/paperboy.db', PORT: 3000, HOST: '127.0.0.1', PUBLIC_URL: 'http://127.0.0.1:3000', PAPERBOY_OUTBOX: './data/outbox' });
    expect(c.SMTP_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '70000'], ['SMTP_URL', 'http://mail.example.org'], ['PUBLIC_URL', 'not a url'],
    ['INGEST_CRON', 'every hour'], ['PAPERBOY_SECRET', 'short'], ['METRICS_TOKEN', 'short'], ['METRICS_TOKEN', `${'x'.repeat(30)} y`],
  ])('names %s when its value %j is bad', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`^Invalid ${key}: `));
  });

  it('fetches Hugging Face and the arXiv feeds by default, nothing with "none"', () => {
    expect(loadConfig({}).PAPERBOY_SOURCES).toEqual(['huggingface', 'arxiv', 'biorxiv', 'medrxiv']);
    expect(loadConfig({ PAPERBOY_SOURCES: 'none' }).PAPERBOY_SOURCES).toEqual([]);
    expect(() => loadConfig({ PAPERBOY_SOURCES: 'none,arxiv' })).toThrow(/^Invalid PAPERBOY_SOURCES: use "none" alone/);
  });

  it('sends from the instance name at PUBLIC_URL\'s domain unless MAIL_FROM says otherwise', () => {
    expect(loadConfig({}).MAIL_FROM).toBe('Paperboy <digest@localhost>');
    expect(loadConfig({ PUBLIC_URL: 'https://papers.lab.example.org' }).MAIL_FROM).toBe('Paperboy <digest@papers.lab.example.org>');
    expect(loadConfig({ PUBLIC_URL: 'https://papers.lab.example.org', INSTANCE_NAME: 'Vision Lab papers' }).MAIL_FROM).toBe('Vision Lab papers <digest@papers.lab.example.org>');
    expect(loadConfig({ PUBLIC_URL: 'https://x.example.org', MAIL_FROM: 'Lab <news@example.org>' }).MAIL_FROM).toBe('Lab <news@example.org>');
    expect(defaultSender('Dr. Who\'s papers', 'http://10.0.0.5:3000')).toBe('"Dr. Who\'s papers" <digest@localhost>');
    expect(() => loadConfig({ INSTANCE_NAME: 'Lab <script>' })).toThrow(/^Invalid INSTANCE_NAME: /);
  });

  it.each([
    ['lab.org;uni.edu', '"lab.org;uni.edu" is not a domain name'], ['@lab.org', '"@lab.org" is not a domain name'],
    ['https://lab.org', '"https://lab.org" is not a domain name'], ['lab', '"lab" is not a domain name'],
  ])('refuses ALLOWED_EMAIL_DOMAINS=%j, naming the entry', (value, message) => {
    expect(() => loadConfig({ ALLOWED_EMAIL_DOMAINS: value })).toThrow(`Invalid ALLOWED_EMAIL_DOMAINS: ${message}`);
  });

  it('allows sign-ups from the listed domains and their subdomains only', () => {
    const allowed = loadConfig({ ALLOWED_EMAIL_DOMAINS: 'Lab.Example.org, uni.edu' }).ALLOWED_EMAIL_DOMAINS;
    expect(allowed).toEqual(['lab.example.org', 'uni.edu']);
    expect(emailDomainAllowed('ada@LAB.example.org', allowed)).toBe(true);
    expect(emailDomainAllowed('bob@cs.uni.edu', allowed)).toBe(true);
    expect(emailDomainAllowed('eve@notuni.edu', allowed)).toBe(false);
    expect(emailDomainAllowed('eve@uni.edu.evil.com', allowed)).toBe(false);
    expect(emailDomainAllowed('anyone@anywhere.com', [])).toBe(true);
  });

  it('splits PAPERBOY_SOURCES and trims a trailing slash from PUBLIC_URL', () => {
    const c = loadConfig({ PAPERBOY_SOURCES: 'a.txt, https://x.org/feed ,', PUBLIC_URL: 'https://papers.example.org/' });
    expect(c.PAPERBOY_SOURCES).toEqual(['a.txt', 'https://x.org/feed']);
    expect(c.PUBLIC_URL).toBe('https://papers.example.org');
  });

  it.each([
    [{ BOUNCE_ADDRESS: 'bounces' }, 'Invalid BOUNCE_ADDRESS: must be an address such as bounces@lab.example.org'],
    [{ BOUNCE_ADDRESS: 'b@lab.example.org', BOUNCE_IMAP_URL: 'pop3://u:p@host' }, 'Invalid BOUNCE_IMAP_URL: must be imaps://user:password@host/INBOX (or imap://)'],
    [{ BOUNCE_ADDRESS: 'b@lab.example.org', BOUNCE_IMAP_URL: 'imaps://host/INBOX' }, 'Invalid BOUNCE_IMAP_URL: must hold the user and password'],
    [{ BOUNCE_IMAP_URL: 'imaps://u:p@host/INBOX' }, 'Invalid BOUNCE_IMAP_URL: set BOUNCE_ADDRESS too'],
    [{ SES_TOPIC_ARNS: 'arn:aws:sns:us-east-1:123:short' }, 'Invalid SES_TOPIC_ARNS: must be SNS topic ARNs'],
    [{ POSTMARK_WEBHOOK_AUTH: 'postmark:short' }, 'Invalid POSTMARK_WEBHOOK_AUTH: must be user:password, the password at least 16 characters'],
    [{ SENDGRID_WEBHOOK_PUBLIC_KEY: 'bm90IGEga2V5' }, 'Invalid SENDGRID_WEBHOOK_PUBLIC_KEY: '],
    [{ MAILGUN_WEBHOOK_SIGNING_KEY: 'key-1' }, 'Invalid MAILGUN_WEBHOOK_SIGNING_KEY: must be the webhook signing key Mailgun shows'],
  ])('refuses bounce and webhook settings %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the bounce settings: webhooks off and no bounce address by default', () => {
    const c = loadConfig({});
    expect([c.BOUNCE_ADDRESS, c.BOUNCE_IMAP_URL, c.SES_TOPIC_ARNS, c.SENDGRID_KEY]).toEqual([undefined, undefined, [], undefined]);
    expect(c.BOUNCE_IMAP_MOVE_TO).toBe('Paperboy-handled');
    const sendgridKey = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
    expect(loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKey }).SENDGRID_KEY?.asymmetricKeyType).toBe('ec');
  });
});

describe('a .env file in the working directory', () => {
  const withEnvFile = (text: string, env: NodeJS.ProcessEnv = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-env-'));
    writeFileSync(join(dir, '.env'), text);
    const warnings: string[] = [];
    try {
      return { config: loadEnvironmentConfig({ cwd: dir, env, warn: (l) => warnings.push(l) }), warnings, dir };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('is read under the environment, which wins', () => {
    const { config, warnings } = withEnvFile('# the lab\nPUBLIC_URL=https://papers.lab.example.org\nPORT=8080\nINSTANCE_NAME="Vision Lab"\n', { PORT: '9090' });
    expect(config).toMatchObject({ PUBLIC_URL: 'https://papers.lab.example.org', PORT: 9090, INSTANCE_NAME: 'Vision Lab' });
    expect(warnings).toEqual([]);
  });

  it('warns about an unknown key, suggesting the one meant, and goes on', () => {
    const { config, warnings } = withEnvFile('PUBIC_URL=https://papers.example.org\nFAVOURITE_COLOUR=green\n');
    expect(config.PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(warnings.sort()).toEqual([
      expect.stringMatching(/\.env: unknown key FAVOURITE_COLOUR ignored$/),
      expect.stringMatching(/\.env: unknown key PUBIC_URL ignored \(did you mean PUBLIC_URL\?\)$/),
    ]);
  });

  it('refuses a bad value, naming the key and the file', () => {
    expect(() => withEnvFile('PORT=eighty\n')).toThrow(/^Invalid PORT \(in .*\.env\): /);
    expect(() => withEnvFile('ALLOWED_EMAIL_DOMAINS=lab.org uni.edu\n')).toThrow(/^Invalid ALLOWED_EMAIL_DOMAINS \(in .*\.env\): "lab.org uni.edu" is not a domain name/);
  });

  it('is optional', () => {
    expect(loadEnvironmentConfig({ cwd: tmpdir(), env: { PORT: '4000' } }).PORT).toBe(4000);
  });
});

describe('link tokens', () => {
  const secret = 's'.repeat(32);
  const token = signToken(secret, 'manage', 42, 1);

  it('carry a 256-bit MAC, name the row only through its encrypted public id, and verify for their purpose, id and version', () => {
    expect(token).toMatch(/^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
    expect(token).not.toContain((42).toString(36) + '.');
    expect(tokenSubject(secret, 'manage', token)).toEqual({ id: 42, day: null });
    expect(verifyToken(secret, 'manage', token, 1)).toBe(true);
    // Neighbouring ids share nothing that shows their order.
    const [a, b] = [signToken(secret, 'manage', 1, 1), signToken(secret, 'manage', 2, 1)].map((t) => t.slice(0, 32));
    expect([...a].filter((c, i) => b[i] === c).length).toBeLessThan(10);
    // A digest token names one day of the subscriber's digests.
    const digest = signToken(secret, 'digest', 42, 1, '2026-11-29');
    expect(tokenSubject(secret, 'digest', digest)).toEqual({ id: 42, day: '2026-11-29' });
    expect(verifyToken(secret, 'digest', digest, 1)).toBe(true);
  });

  it('fail for another purpose, version, secret, day, or any changed character', () => {
    for (const purpose of ['confirm', 'unsubscribe', 'digest'] as const) expect(verifyToken(secret, purpose, token, 1)).toBe(false);
    expect(tokenSubject(secret, 'confirm', token)).toBeNull(); // a subscriber's public id never reads as a request's
    expect(verifyToken(secret, 'manage', token, 2)).toBe(false);
    expect(verifyToken('t'.repeat(32), 'manage', token, 1)).toBe(false);
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(verifyToken(secret, 'manage', flipped, 1)).toBe(false);
    expect(verifyToken(secret, 'manage', token.slice(0, -3), 1)).toBe(false);
    expect(verifyToken(secret, 'manage', `${signToken(secret, 'manage', 43, 1).slice(0, 32)}${token.slice(32)}`, 1)).toBe(false);
    const digest = signToken(secret, 'digest', 42, 1, '2026-11-29');
    expect(verifyToken(secret, 'digest', digest.replace('.20261129.', '.20261130.'), 1)).toBe(false);
  });
});
