// What an operator gets wrong in the first settings file, and what Paperboy says: an example of a good value, the
// name it probably meant, and a refusal of settings that would mail dead links (issue 22, items 5, 8, 9, 10, 22).
import { describe, expect, it } from 'vitest';
import { isPublicUrl, loadConfig, loadEnvironmentConfig, outboxWarning } from '../src/config.js';

describe('a bad value', () => {
  it.each([
    [{ PUBLIC_URL: 'lab.example.org' }, 'Invalid PUBLIC_URL: must be a full URL such as https://papers.lab.example.org'],
    [{ PUBLIC_URL: 'ftp://lab.example.org' }, 'Invalid PUBLIC_URL: must be a full URL such as https://papers.lab.example.org'],
    [{ SMTP_URL: 'smtp.example.org:587' }, 'Invalid SMTP_URL: must be a URL such as smtps://user:password@smtp.example.org:465'],
    [{ PORT: 'eighty' }, 'Invalid PORT: must be a port number from 0 to 65535, such as 3000'],
    [{ SMTP_MAX_CONNECTIONS: 'many' }, 'Invalid SMTP_MAX_CONNECTIONS: must be a whole number from 1 to 100, such as 5'],
    [{ RETENTION_DAYS: 'month' }, 'Invalid RETENTION_DAYS: must be a whole number of days, such as 30'],
    [{ LOG_LEVEL: 'verbose' }, 'Invalid LOG_LEVEL: must be fatal, error, warn, info, debug, trace or silent, such as info'],
    [{ INGEST_CRON: 'hourly' }, 'Invalid INGEST_CRON: must be a cron expression such as 0 * * * * (hourly)'],
    [{ MAIL_FROM: 'Vision Lab papers' }, 'Invalid MAIL_FROM: must be an address such as Vision Lab papers <papers@lab.example.org>'],
    [{ DEFAULT_TIMEZONE: 'Europe/Berlinn' }, 'Invalid DEFAULT_TIMEZONE: must be an IANA timezone such as Europe/Berlin'],
    [{ DEFAULT_HOUR: '25' }, 'Invalid DEFAULT_HOUR: must be a whole number from 0 to 23, such as 8'],
  ])('%j is refused with an example of a good one', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('PAPERBOY_SOURCES: a misspelt named source gets the name it meant, not ENOENT at every ingest', () => {
    expect(() => loadConfig({ PAPERBOY_SOURCES: 'huggingfase' }))
      .toThrow('Invalid PAPERBOY_SOURCES: "huggingfase" is not a named source (huggingface, arxiv, biorxiv, medrxiv), a URL or a file here; did you mean huggingface?');
    expect(loadConfig({ PAPERBOY_SOURCES: 'arxiv,biorxiv,medrxiv' }).PAPERBOY_SOURCES).toEqual(['arxiv', 'biorxiv', 'medrxiv']);
    expect(() => loadConfig({ PAPERBOY_SOURCES: 'arxiv,biorxive' })).toThrow(/"biorxive" is not a named source .*did you mean biorxiv\?/);
    expect(() => loadConfig({ PAPERBOY_SOURCES: 'zotero' })).toThrow(/"zotero" is not a named source \(huggingface, arxiv, biorxiv, medrxiv\), a URL or a file here; list named sources/);
    // Files and URLs are taken as they are: they are read at each ingest.
    expect(loadConfig({ PAPERBOY_SOURCES: 'Huggingface,feeds/cs.CV.xml,https://rss.arxiv.org/rss/cs.LG' }).PAPERBOY_SOURCES)
      .toEqual(['Huggingface', 'feeds/cs.CV.xml', 'https://rss.arxiv.org/rss/cs.LG']);
  });

  it('names a misspelt variable of the environment, as it does one of the .env file', () => {
    const warnings: string[] = [];
    loadEnvironmentConfig({ cwd: '/nonexistent', env: { SMTP_ULR: 'smtp://relay:25', HOME: '/root', HOSTNAME: 'x' }, warn: (l) => warnings.push(l) });
    expect(warnings).toEqual(['environment variable SMTP_ULR is not a Paperboy setting and is ignored (did you mean SMTP_URL?)']);
  });
});

describe('PUBLIC_URL and HOST', () => {
  it('refuses a wildcard HOST without PUBLIC_URL: every mailed link would be http://0.0.0.0:3000', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/^Invalid PUBLIC_URL: must be set when HOST is 0\.0\.0\.0 \(listening on every address\): every link in mails would point at http:\/\/0\.0\.0\.0:3000\. Set it to the address people type, such as https:\/\/papers\.lab\.example\.org$/);
    expect(() => loadConfig({ HOST: '::' })).toThrow(/^Invalid PUBLIC_URL: must be set when HOST is ::/);
    expect(loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://papers.lab.example.org' }).PUBLIC_URL).toBe('https://papers.lab.example.org');
    // A command that builds no link (restore, backup, migrate…) runs in the container without the server's PUBLIC_URL.
    expect(loadConfig({ HOST: '0.0.0.0' }, { links: false }).HOST).toBe('0.0.0.0');
  });

  it('refuses a PUBLIC_URL with a path (pages and links are at the root of the host), a query or a password', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'https://lab.example.org/papers/' }))
      .toThrow('Invalid PUBLIC_URL: must be the root of a host, such as https://papers.lab.example.org: Paperboy serves its pages and links at / and cannot run under a path (/papers/); give it a host name of its own');
    expect(() => loadConfig({ PUBLIC_URL: 'https://lab.example.org/?x=1' })).toThrow(/cannot run under a path \(\/\?x=1\)/);
    expect(() => loadConfig({ PUBLIC_URL: 'https://u:p@lab.example.org' })).toThrow(/without a user or password/);
    expect(loadConfig({ PUBLIC_URL: 'https://papers.lab.example.org/' }).PUBLIC_URL).toBe('https://papers.lab.example.org');
  });
});

describe('mail that goes nowhere', () => {
  it('is warned about when PUBLIC_URL is public and SMTP_URL unset, naming mail-test', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://papers.vision-lab.org' });
    expect(outboxWarning(config)).toBe('SMTP_URL is not set, so every mail is written to the outbox folder ./data/outbox and nobody receives it, ' +
      'while PUBLIC_URL (https://papers.vision-lab.org) is a public address: set SMTP_URL, then check it with `paperboy mail-test <your address>`');
    expect(outboxWarning(loadConfig({ PUBLIC_URL: 'https://papers.vision-lab.org', SMTP_URL: 'smtps://u:p@smtp.vision-lab.org' }))).toBeNull();
    // A try-out on this machine writes to the outbox on purpose.
    expect(outboxWarning(loadConfig({}))).toBeNull();
  });

  it.each([
    ['https://papers.vision-lab.org', true], ['http://203.0.113.9:3000', true], ['http://127.0.0.1:3000', false], ['http://localhost:3000', false],
    ['http://192.168.1.20:3000', false], ['http://10.1.2.3', false], ['http://[::1]:3000', false], ['http://paperboy.test', false],
    ['https://papers.lab.example.org', false], ['http://nas.local:3000', false], ['http://papers', false],
  ])('%s is public: %s', (url, is) => {
    expect(isPublicUrl(url)).toBe(is);
  });
});

describe('lab defaults', () => {
  it('DEFAULT_TIMEZONE and DEFAULT_HOUR: UTC at 08:00 unless set; the zone in its canonical current name', () => {
    expect(loadConfig({})).toMatchObject({ DEFAULT_TIMEZONE: 'UTC', DEFAULT_HOUR: 8 });
    expect(loadConfig({ DEFAULT_TIMEZONE: 'europe/berlin', DEFAULT_HOUR: '9' })).toMatchObject({ DEFAULT_TIMEZONE: 'Europe/Berlin', DEFAULT_HOUR: 9 });
  });

  it('INSTANCE_CONTACT: one line, shown as given', () => {
    expect(loadConfig({ INSTANCE_CONTACT: ' Ada Lovelace <ada@lab.example.org> ' }).INSTANCE_CONTACT).toBe('Ada Lovelace <ada@lab.example.org>');
    expect(() => loadConfig({ INSTANCE_CONTACT: 'Ada\nLovelace' })).toThrow(/^Invalid INSTANCE_CONTACT: must be one line/);
  });
});
