import cron from 'node-cron';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { isIP } from 'node:net';
import { z } from 'zod';
import { commandLine } from './command.js';
import { canonicalTimezone } from './timezones.js';

const hostPort = (v: { HOST: string; PORT: number }) => `http://${v.HOST.includes(':') ? `[${v.HOST}]` : v.HOST}:${v.PORT}`;

/** A whole number in a range; the message says the range and gives the default as an example. */
const int = (min: number, max: number, def: number) => {
  const message = `must be a whole number from ${min} to ${max}, such as ${def}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message).default(def);
};

/** A comma-separated list, trimmed, empty entries dropped. */
const commaList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** Delivery settings (docs/delivery.md). Times are in milliseconds. */
const delivery = {
  /** Open SMTP connections, which is also how many digests are in flight at once. */
  SMTP_MAX_CONNECTIONS: int(1, 100, 5),
  /** Messages per second across all connections; 0 = no limit. */
  SMTP_RATE_PER_SECOND: int(0, 100_000, 0),
  /** Connect, greeting and socket inactivity timeout. */
  SMTP_TIMEOUT_MS: int(100, 600_000, 60_000),
  /** Hand-off attempts per digest (first try included) before it is 'failed'. */
  SMTP_MAX_ATTEMPTS: int(1, 20, 5),
  /** First retry delay; doubled on every further attempt. */
  SMTP_RETRY_BASE_MS: int(0, 3_600_000, 60_000),
  /** Longest delay between two attempts. */
  SMTP_RETRY_MAX_MS: int(0, 86_400_000, 3_600_000),
  /** Threads that rank and render new digests beside the send loop (each with its own read connection); 0: on the
   *  send loop's own thread. Default 0: on the shared 2-core machine, bench:send with every subscriber ranked in the
   *  run gave 2 threads 1.58× the loop alone in one run and 0.67–0.72× in two others (docs/delivery.md). */
  SEND_THREADS: int(0, 16, 0),
  /** How long a worker owns a digest it is sending; must exceed SMTP_TIMEOUT_MS. */
  DELIVERY_LEASE_MS: int(1_000, 86_400_000, 300_000),
  /** Hard bounces (5xx) after which a subscriber is suspended. */
  BOUNCE_HARD_LIMIT: int(1, 100, 1),
  /** Soft-bounced days in a row (4xx until retries ran out) after which a subscriber is suspended. */
  BOUNCE_SOFT_LIMIT: int(1, 100, 3),
  /** DKIM signing: all three or none. */
  DKIM_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain name such as example.org').optional(),
  DKIM_SELECTOR: z.string().regex(/^[a-z0-9._-]+$/i, 'must be a DNS label such as mail2026').optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
};

/** An SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:paperboy-bounces. */
const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Bounces and complaints that come back after hand-off (README "Bounces and complaints"). */
const bounces = {
  /** Envelope sender of every mail; a digest's is `<local>+<token>@<domain>` (VERP), so its bounce names it. Unset: the From address. */
  BOUNCE_ADDRESS: z.email('must be an address such as bounces@lab.example.org').optional(),
  /** The mailbox bounces arrive in: imaps://user:password@host/INBOX (or imap://, upgraded with STARTTLS when offered). */
  BOUNCE_IMAP_URL: z.url({ protocol: /^imaps?$/, error: 'must be imaps://user:password@host/INBOX (or imap://)' })
    .refine((u) => new URL(u).username !== '' && new URL(u).password !== '', 'must hold the user and password: imaps://user:password@host/INBOX').optional(),
  /** Folder handled reports are moved to (created when missing), or `delete`. */
  BOUNCE_IMAP_MOVE_TO: z.string().trim().min(1).max(200).regex(/^[^\r\n*%"]+$/, 'must be a folder name, or delete').default('Paperboy-handled'),
  /** How often the mailbox is read; after a failure the wait doubles, up to an hour. */
  BOUNCE_IMAP_INTERVAL_MS: int(100, 86_400_000, 300_000),
  /** SNS topics whose SES notifications /webhooks/ses accepts (comma-separated ARNs); unset: the endpoint is off. */
  SES_TOPIC_ARNS: z.string().default('').transform(commaList)
    .refine((list) => list.every((a) => TOPIC_ARN.test(a)), 'must be SNS topic ARNs such as arn:aws:sns:eu-west-1:123456789012:bounces, comma-separated'),
  /** `user:password` of the HTTP basic auth in the Postmark webhook's URL; unset: /webhooks/postmark is off. */
  POSTMARK_WEBHOOK_AUTH: z.string().regex(/^[^:\s]+:\S{16,}$/, 'must be user:password, the password at least 16 characters').optional(),
  /** SendGrid's signed event webhook verification key (base64, as SendGrid shows it); unset: /webhooks/sendgrid is off. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().trim().optional(),
  /** Mailgun's HTTP webhook signing key; unset: /webhooks/mailgun is off. */
  MAILGUN_WEBHOOK_SIGNING_KEY: z.string().trim().min(16, 'must be the webhook signing key Mailgun shows (at least 16 characters)').optional(),
};

/**
 * The shortest history kept, in days. A paper stays a candidate for 7 days after it arrives (WINDOW_DAYS in
 * src/digest/choose.ts), so "never the same paper twice" needs a subscriber's digests of that week; twice that leaves a
 * week of margin for time zones, late sends and a window made longer.
 */
export const MIN_RETENTION_DAYS = 14;

/** How long history is kept (docs/scaling.md#retention). */
const retention = {
  /** Days of digests (with their papers and delivery attempts) and ingest runs kept; older ones are pruned daily. */
  RETENTION_DAYS: z.coerce.number({ error: 'must be a whole number of days, such as 30' }).int('must be a whole number of days, such as 30').max(3650, 'must be at most 3650 (ten years)').default(30)
    .refine((d) => d >= MIN_RETENTION_DAYS, `must be at least ${MIN_RETENTION_DAYS} days: "never the same paper twice" reads a ` +
      'week of a subscriber\'s past digests, and this keeps a week of margin'),
};

/** A domain name such as lab.example.org (letters, digits, hyphens; a dot before the top-level label). */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The named sources PAPERBOY_SOURCES may list beside files and URLs (see ingest/sources.ts). */
export const NAMED_SOURCES = ['huggingface', 'arxiv', 'biorxiv', 'medrxiv'] as const;

/** A PAPERBOY_SOURCES entry that is a bare word (no path, extension or scheme), not a named source and no file here:
 *  a misspelt name such as "huggingfase", which would otherwise fail at every ingest with ENOENT. */
function unknownName(entry: string): boolean {
  return /^[\w-]+$/.test(entry) && !(NAMED_SOURCES as readonly string[]).includes(entry.toLowerCase()) && !existsSync(entry);
}

/** What is wrong with an unknown bare word in PAPERBOY_SOURCES, with the name it probably meant. */
function sourceMessage(entry: string): string {
  const near = NAMED_SOURCES.find((n) => editDistance(n, entry.toLowerCase()) <= 3);
  return `"${entry}" is not a named source (${NAMED_SOURCES.join(', ')}), a URL or a file here` +
    (near ? `; did you mean ${near}?` : '; list named sources, http(s) URLs or files, comma-separated, or none');
}

/** PAPERBOY_FEEDS: http(s) URLs, comma-separated, or the path of a file listing them one a line ('#' starts a comment). */
function feedUrls(value: string, c: z.RefinementCtx): string[] {
  const list = commaList(value);
  const fromFile = list.length === 1 && !/^https?:/i.test(list[0]) && existsSync(list[0]);
  const urls = fromFile ? readFileSync(list[0], 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '') : list;
  const bad = urls.find((u) => !/^https?:\/\/\S+$/i.test(u) || !URL.canParse(u));
  if (bad !== undefined) {
    c.addIssue({ code: 'custom', message: `"${bad.slice(0, 100)}" is not an http(s) feed URL such as https://www.nature.com/nphys.rss` +
      `${fromFile ? ` (in ${list[0]})` : list.length === 1 ? ', nor a file of feed URLs here' : ''}` });
    return [];
  }
  return [...new Set(urls)];
}

/** PUBLIC_URL: the address people type, at the root of its host (every page and link is at a root path). */
const PUBLIC_URL_MESSAGE = 'must be a full URL such as https://papers.lab.example.org';
const publicUrl = z.url({ protocol: /^https?$/, error: PUBLIC_URL_MESSAGE }).superRefine((v, c) => {
  if (!URL.canParse(v)) return; // z.url said so already
  const u = new URL(v);
  if (u.username || u.password) c.addIssue({ code: 'custom', message: `${PUBLIC_URL_MESSAGE}, without a user or password` });
  else if (u.pathname !== '/' || u.search || u.hash) {
    c.addIssue({ code: 'custom', message: `must be the root of a host, such as https://papers.lab.example.org: Paperboy serves its pages and links at / ` +
      `and cannot run under a path (${u.pathname}${u.search}${u.hash}); give it a host name of its own` });
  }
});

/** A sender: an address, alone or with a display name. */
const SENDER = /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/;

const schema = z.object({
  PAPERBOY_DB: z.string().min(1).default('./data/paperboy.db'),
  PORT: z.coerce.number({ error: 'must be a port number from 0 to 65535, such as 3000' }).int('must be a port number from 0 to 65535, such as 3000')
    .min(0, 'must be a port number from 0 to 65535, such as 3000').max(65535, 'must be a port number from 0 to 65535, such as 3000').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: publicUrl.optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be a URL such as smtps://user:password@smtp.example.org:465 (or smtp://…:587, upgraded with STARTTLS)' }).optional(),
  PAPERBOY_OUTBOX: z.string().min(1).default('./data/outbox'),
  /** Sender of every mail; unset: INSTANCE_NAME <digest@PUBLIC_URL's host>. */
  MAIL_FROM: z.string().regex(/^[^\r\n]*$/, 'must be a single line').regex(SENDER, 'must be an address such as Vision Lab papers <papers@lab.example.org>').optional(),
  /** Shown in page titles, mail headers and List-Id. */
  INSTANCE_NAME: z.string().trim().min(1).max(60, 'must be at most 60 characters')
    .regex(/^[^\r\n\t<>"]*$/, 'must be one line without < > or ", such as Vision Lab papers').default('Paperboy'),
  /** Who runs this instance and how to reach them, shown at the foot of every page and mail; unset: nothing shown. */
  INSTANCE_CONTACT: z.string().trim().max(200, 'must be at most 200 characters')
    .regex(/^[^\r\n\t]*$/, 'must be one line, such as Ada Lovelace <papers-admin@lab.example.org>').optional(),
  /** The timezone invitations and the sign-up form start with (canonical, current name); unset: UTC. */
  DEFAULT_TIMEZONE: z.string().transform((tz, c) => canonicalTimezone(tz)
    ?? (c.addIssue({ code: 'custom', message: 'must be an IANA timezone such as Europe/Berlin' }), z.NEVER)).default('UTC'),
  /** The delivery hour invitations and the sign-up form start with, in DEFAULT_TIMEZONE. */
  DEFAULT_HOUR: int(0, 23, 8),
  /** Unset: Hugging Face daily papers and the arXiv feeds of the subscribers' categories; "none": no fetching. */
  PAPERBOY_SOURCES: z.string().default(NAMED_SOURCES.join(',')).transform(commaList)
    .refine((list) => !list.includes('none') || list.length === 1, 'use "none" alone, or list the sources to fetch')
    .superRefine((list, c) => {
      const bad = list.find((x) => x !== 'none' && unknownName(x));
      if (bad !== undefined) c.addIssue({ code: 'custom', message: sourceMessage(bad) });
    })
    .transform((list) => (list[0] === 'none' ? [] : list)),
  /** Journals' table-of-contents feeds fetched on every ingest besides those `paperboy feeds add` keeps: URLs or a file of them. */
  PAPERBOY_FEEDS: z.string().default('').transform(feedUrls),
  /** Sign-ups only from these domains (and their subdomains); empty: from anywhere. */
  ALLOWED_EMAIL_DOMAINS: z.string().default('').transform((s) => commaList(s).map((d) => d.toLowerCase()))
    .superRefine((list, c) => {
      const bad = list.find((d) => !DOMAIN.test(d));
      if (bad !== undefined) c.addIssue({ code: 'custom', message: `"${bad}" is not a domain name such as lab.example.org (separate domains with commas)` });
    }),
  INGEST_CRON: z.string().default('0 * * * *').refine((c) => cron.validate(c), 'must be a cron expression such as 0 * * * * (hourly) or 15 */2 * * * (every two hours)'),
  /** Secret for the HMAC tokens in links; when unset one is generated and kept in the database. */
  PAPERBOY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Behind a reverse proxy: the proxies' addresses or CIDRs (comma-separated) whose X-Forwarded-For is believed. */
  TRUST_PROXY: z.string().default('').transform(commaList)
    .refine((list) => list.every((x) => isIP(x.split('/')[0]) !== 0), 'must be IP addresses or CIDRs, comma-separated, such as 127.0.0.1 or 10.0.0.0/8'),
  /** Bearer token for /metrics and the detailed /healthz; unset, both stay closed (the public /healthz says up or down). */
  METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters (e.g. `openssl rand -hex 24`)')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it is sent in an HTTP header)').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be fatal, error, warn, info, debug, trace or silent, such as info').default('info'),
  ...delivery,
  ...bounces,
  ...retention,
});

/** The validated configuration; PUBLIC_URL and MAIL_FROM are always set (see their defaults). */
export type Config = Omit<z.infer<typeof schema>, 'PUBLIC_URL' | 'MAIL_FROM'> & {
  PUBLIC_URL: string; MAIL_FROM: string; DKIM_PRIVATE_KEY?: string;
  /** SENDGRID_WEBHOOK_PUBLIC_KEY read as a key. */
  SENDGRID_KEY?: KeyObject;
};

/** Every variable Paperboy reads (a .env file's other keys are reported as unknown). */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);

/** Raised when an environment variable has a bad value; the message names the variable. */
export class ConfigError extends Error {
  constructor(message: string, readonly key?: string) {
    super(message);
  }
}

/** What the program about to run does with the configuration: `links` when it listens or mails links (serve, and the
 *  commands that send mail), which a wildcard HOST without PUBLIC_URL would point at nowhere. */
export interface ConfigUse {
  links?: boolean;
}

/** Parses the environment once; fails naming the first bad variable and what was wrong. */
export function loadConfig(env: Record<string, string | undefined> = process.env, use: ConfigUse = {}): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid ${String(issue.path[0])}: ${issue.message}`, String(issue.path[0]));
  }
  const v = parsed.data;
  // A command that builds no link (backup, restore, migrate, ingest…) runs in the container, whose HOST is 0.0.0.0,
  // without the server's PUBLIC_URL.
  if (use.links !== false) checkPublicUrl(v);
  checkDelivery(v);
  checkBounces(v);
  const publicUrl = (v.PUBLIC_URL ?? hostPort(v)).replace(/\/+$/, '');
  return { ...v, PUBLIC_URL: publicUrl, MAIL_FROM: v.MAIL_FROM ?? defaultSender(v.INSTANCE_NAME, publicUrl) };
}

/** A wildcard HOST (listen everywhere, as the container image does) says nothing about the address people type: every
 *  mailed link would be http://0.0.0.0:3000, so PUBLIC_URL must be given. */
function checkPublicUrl(v: z.infer<typeof schema>): void {
  if (!v.PUBLIC_URL && ['0.0.0.0', '::', '[::]', '*'].includes(v.HOST)) {
    throw new ConfigError(`Invalid PUBLIC_URL: must be set when HOST is ${v.HOST} (listening on every address): every link in mails would ` +
      `point at ${hostPort(v)}. Set it to the address people type, such as https://papers.lab.example.org`, 'PUBLIC_URL');
  }
}

/** `Name <digest@host>` on PUBLIC_URL's host; `localhost` when that host is an IP address. */
export function defaultSender(name: string, publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  const domain = isIP(host.replace(/^\[|\]$/g, '')) || !host.includes('.') ? 'localhost' : host;
  // A display name with specials (, ; : @ . etc.) must be a quoted string (RFC 5322).
  const display = /^[\w !#$%&'*+/=?^`{|}~-]*$/.test(name) ? name : `"${name.replace(/\\/g, '\\\\')}"`;
  return `${display} <digest@${domain}>`;
}

/** Host names that never reach anyone else: loopback, and the names reserved for tests and documentation (RFC 2606, 6761). */
const PRIVATE_HOST = /^(?:localhost|.*\.localhost|.*\.local|.*\.test|.*\.invalid|.*\.example|(?:.*\.)?example\.(?:org|com|net))$/i;

/** True when PUBLIC_URL is an address other people reach: not loopback, a private network or a reserved test name. */
export function isPublicUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return !/^(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|0\.|::1$|f[cd]|fe80:)/i.test(host);
  return host.includes('.') && !PRIVATE_HOST.test(host);
}

/** The warning of an instance whose links go out to the world while its mail stays on this machine (no SMTP_URL, or a
 *  misspelt one): every sign-up reads "on its way" and nobody gets anything. Null when mail goes out or the URL is private. */
export function outboxWarning(c: Pick<Config, 'SMTP_URL' | 'PUBLIC_URL' | 'PAPERBOY_OUTBOX'>): string | null {
  if (c.SMTP_URL || !isPublicUrl(c.PUBLIC_URL)) return null;
  return `SMTP_URL is not set, so every mail is written to the outbox folder ${c.PAPERBOY_OUTBOX} and nobody receives it, ` +
    `while PUBLIC_URL (${c.PUBLIC_URL}) is a public address: set SMTP_URL, then check it with ${commandLine('mail-test <your address>')}`;
}

/** True when `email`'s domain is one of `allowed` or below one; every address passes an empty list. */
export function emailDomainAllowed(email: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return allowed.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** Cross-field delivery checks; reads the DKIM key so a bad file stops the start, naming the variable. */
function checkDelivery(v: z.infer<typeof schema> & { DKIM_PRIVATE_KEY?: string }): void {
  if (v.DELIVERY_LEASE_MS <= v.SMTP_TIMEOUT_MS) {
    throw new ConfigError('Invalid DELIVERY_LEASE_MS: must be longer than SMTP_TIMEOUT_MS, or a slow send could lose its lease', 'DELIVERY_LEASE_MS');
  }
  const dkim = [['DKIM_DOMAIN', v.DKIM_DOMAIN], ['DKIM_SELECTOR', v.DKIM_SELECTOR], ['DKIM_PRIVATE_KEY_FILE', v.DKIM_PRIVATE_KEY_FILE]] as const;
  const missing = dkim.filter(([, x]) => !x);
  if (missing.length === 0) v.DKIM_PRIVATE_KEY = readDkimKey(v.DKIM_PRIVATE_KEY_FILE!);
  else if (missing.length < 3) throw new ConfigError(`Invalid ${missing[0][0]}: DKIM needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE together`, missing[0][0]);
}

/** Cross-field bounce checks; reads the SendGrid key so a bad one stops the start, naming the variable. */
function checkBounces(v: z.infer<typeof schema> & { SENDGRID_KEY?: KeyObject }): void {
  if (v.BOUNCE_IMAP_URL && !v.BOUNCE_ADDRESS) {
    throw new ConfigError('Invalid BOUNCE_IMAP_URL: set BOUNCE_ADDRESS too: only mails sent from it carry the token that ties a bounce to its digest', 'BOUNCE_IMAP_URL');
  }
  if (v.SENDGRID_WEBHOOK_PUBLIC_KEY) v.SENDGRID_KEY = readSendgridKey(v.SENDGRID_WEBHOOK_PUBLIC_KEY);
}

/** SendGrid's verification key: base64 of a DER public key (or the same in PEM), on an elliptic curve. */
function readSendgridKey(text: string): KeyObject {
  try {
    const key = text.includes('BEGIN PUBLIC KEY') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec') throw new Error('not an elliptic-curve (ECDSA) key');
    return key;
  } catch (err) {
    throw new ConfigError(`Invalid SENDGRID_WEBHOOK_PUBLIC_KEY: ${(err as Error).message}; paste the verification key SendGrid shows`, 'SENDGRID_WEBHOOK_PUBLIC_KEY');
  }
}

function readDkimKey(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    createPrivateKey(pem);
    return pem;
  } catch (err) {
    throw new ConfigError(`Invalid DKIM_PRIVATE_KEY_FILE: ${(err as Error).message}`, 'DKIM_PRIVATE_KEY_FILE');
  }
}

/** What the server and every command read: `.env` in `cwd` under the environment (the environment wins). */
export function loadEnvironmentConfig(opts: { cwd?: string; env?: NodeJS.ProcessEnv; warn?: (line: string) => void } & ConfigUse = {}): Config {
  const env = opts.env ?? process.env;
  const file = resolve(opts.cwd ?? process.cwd(), '.env');
  const fromFile = existsSync(file) ? readEnvFile(file) : {};
  for (const key of Object.keys(fromFile).filter((k) => !CONFIG_KEYS.includes(k))) {
    const near = CONFIG_KEYS.find((k) => editDistance(k, key) <= 2);
    opts.warn?.(`${file}: unknown key ${key} ignored${near ? ` (did you mean ${near}?)` : ''}`);
  }
  // The environment holds everything else too (PATH, HOME…): only a near miss of a key of ours, same first letters, is named.
  for (const key of Object.keys(env).filter((k) => !CONFIG_KEYS.includes(k) && k.length >= 6)) {
    const near = CONFIG_KEYS.find((k) => k.slice(0, 4) === key.slice(0, 4) && editDistance(k, key) <= 2);
    if (near) opts.warn?.(`environment variable ${key} is not a Paperboy setting and is ignored (did you mean ${near}?)`);
  }
  try {
    return loadConfig({ ...fromFile, ...env }, { links: opts.links });
  } catch (err) {
    // Say where a bad value came from when the .env file gave it.
    if (err instanceof ConfigError && err.key && fromFile[err.key] !== undefined && !env[err.key]) {
      throw new ConfigError(err.message.replace(`Invalid ${err.key}:`, `Invalid ${err.key} (in ${file}):`), err.key);
    }
    throw err;
  }
}

/** The variables of a .env file (KEY=value lines, # comments, quoted values), with Node's own parser. */
function readEnvFile(file: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Levenshtein distance, for "did you mean" on a misspelt key. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
