import cron from 'node-cron';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

const hostPort = (v: { HOST: string; PORT: number }) => `http://${v.HOST.includes(':') ? `[${v.HOST}]` : v.HOST}:${v.PORT}`;

const int = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);

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

const schema = z.object({
  PAPERBOY_DB: z.string().min(1).default('./data/paperboy.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  PAPERBOY_OUTBOX: z.string().min(1).default('./data/outbox'),
  MAIL_FROM: z.string().min(3).default('Paperboy <digest@localhost>'),
  PAPERBOY_SOURCES: z.string().default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  INGEST_CRON: z.string().default('0 * * * *').refine((c) => cron.validate(c), 'not a valid cron expression'),
  /** Secret for the HMAC tokens in links; when unset one is generated and kept in the database. */
  PAPERBOY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Behind a reverse proxy: the proxies' addresses or CIDRs (comma-separated) whose X-Forwarded-For is believed. */
  TRUST_PROXY: z.string().default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every((x) => isIP(x.split('/')[0]) !== 0), 'must be IP addresses or CIDRs, comma-separated'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...delivery,
});

/** The validated configuration; PUBLIC_URL is always set (defaults to http://HOST:PORT). */
export type Config = Omit<z.infer<typeof schema>, 'PUBLIC_URL'> & { PUBLIC_URL: string; DKIM_PRIVATE_KEY?: string };

/** Raised when an environment variable has a bad value; the message names the variable. */
export class ConfigError extends Error {}

/** Parses the environment once; fails naming the first bad variable and what was wrong. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid ${String(issue.path[0])}: ${issue.message}`);
  }
  const v = parsed.data;
  checkDelivery(v);
  return { ...v, PUBLIC_URL: (v.PUBLIC_URL ?? hostPort(v)).replace(/\/+$/, '') };
}

/** Cross-field delivery checks; reads the DKIM key so a bad file stops the start, naming the variable. */
function checkDelivery(v: z.infer<typeof schema> & { DKIM_PRIVATE_KEY?: string }): void {
  if (v.DELIVERY_LEASE_MS <= v.SMTP_TIMEOUT_MS) {
    throw new ConfigError('Invalid DELIVERY_LEASE_MS: must be longer than SMTP_TIMEOUT_MS, or a slow send could lose its lease');
  }
  const dkim = [['DKIM_DOMAIN', v.DKIM_DOMAIN], ['DKIM_SELECTOR', v.DKIM_SELECTOR], ['DKIM_PRIVATE_KEY_FILE', v.DKIM_PRIVATE_KEY_FILE]] as const;
  const missing = dkim.filter(([, x]) => !x);
  if (missing.length === 0) v.DKIM_PRIVATE_KEY = readDkimKey(v.DKIM_PRIVATE_KEY_FILE!);
  else if (missing.length < 3) throw new ConfigError(`Invalid ${missing[0][0]}: DKIM needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE together`);
}

function readDkimKey(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    createPrivateKey(pem);
    return pem;
  } catch (err) {
    throw new ConfigError(`Invalid DKIM_PRIVATE_KEY_FILE: ${(err as Error).message}`);
  }
}
