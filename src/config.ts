import cron from 'node-cron';
import { z } from 'zod';

const hostPort = (v: { HOST: string; PORT: number }) => `http://${v.HOST.includes(':') ? `[${v.HOST}]` : v.HOST}:${v.PORT}`;

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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The validated configuration; PUBLIC_URL is always set (defaults to http://HOST:PORT). */
export type Config = Omit<z.infer<typeof schema>, 'PUBLIC_URL'> & { PUBLIC_URL: string };

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
  return { ...v, PUBLIC_URL: (v.PUBLIC_URL ?? hostPort(v)).replace(/\/+$/, '') };
}
