// What the commands share: the configuration read once, the database or the whole context opened and closed
// around a command, the lock wait, and the few questions and values every command asks the same way.
import { InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandLine } from '../command.js';
import { loadEnvironmentConfig, type Config } from '../config.js';
import type { Context } from '../context.js';
import type { Db } from '../db/open.js';

// Commands load their modules on use: MJML and Fastify take a second to load, `--help` should not wait.

/** The configuration every command shares with `serve`: `.env` in the working directory, then the environment; read once per program(). */
let loaded: Config | undefined;
/** Whether the command about to run listens or mails links (set before the configuration is read). */
let linksNeeded = true;

/** The commands that listen or mail links: only they need a PUBLIC_URL when HOST listens on every address (the
 *  container's), so `docker run --rm … restore` works with the volume alone. */
const LINK_COMMANDS = new Set(['serve', 'digest', 'invite', 'mail-test']);

/** Forgets the configuration read by an earlier program() (tests build several in one process). */
export function forgetConfig(): void {
  loaded = undefined;
  linksNeeded = true;
}

/** Says which command is about to run, before the configuration is read: only some need a PUBLIC_URL. */
export function commandChosen(name: string): void {
  linksNeeded = LINK_COMMANDS.has(name);
}

/** The configuration if a command read it, for the last error message. */
export function loadedConfig(): Config | undefined {
  return loaded;
}

/** The configuration, read on first use. */
export const config = (): Config => (loaded ??= loadEnvironmentConfig({ warn: (line) => console.error(`paperboy: ${line}`), links: linksNeeded }));

/** Refuses to go on without a database, so a command run in the wrong folder does not make an empty one: only `serve`
 *  and `migrate` create one (and `restore` puts a backup in place). */
export function requireDb(c: Config): void {
  const file = resolve(c.PAPERBOY_DB);
  if (!existsSync(file)) throw new Error(`no Paperboy database at ${file}; start ${commandLine('serve')} (or ${commandLine('migrate')} for an empty one) in the right folder, or set PAPERBOY_DB`);
}

/** Waits while another process (a running server) holds the database's write lock, saying so after a second. */
export async function waitForLock(): Promise<void> {
  const { waitForDatabase } = await import('../db/lock.js');
  await waitForDatabase(resolve(config().PAPERBOY_DB), { onWait: (line) => console.error(`paperboy: ${line}`) });
}

/** Runs `fn` with a fully wired context over an existing database, closing it afterwards. */
export async function withContext(fn: (ctx: Context) => Promise<void> | void): Promise<void> {
  requireDb(config());
  await waitForLock();
  const { createContext, closeContext } = await import('../context.js');
  const { LOCK_WAIT_MS } = await import('../db/lock.js');
  const ctx = await createContext(config(), { busyTimeoutMs: LOCK_WAIT_MS });
  try {
    await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

/** Runs `fn` with just the migrated database (no mail, no templates) of an existing file, closing it afterwards. */
export async function withDb(fn: (db: Db, config: Config) => Promise<void>): Promise<void> {
  requireDb(config());
  await waitForLock();
  const { closeDb, openDb } = await import('../db/open.js');
  const { migrate } = await import('../db/migrate.js');
  const { LOCK_WAIT_MS } = await import('../db/lock.js');
  const db = openDb(config().PAPERBOY_DB, { busyTimeoutMs: LOCK_WAIT_MS });
  try {
    migrate(db);
    await fn(db, config());
  } finally {
    await closeDb(db);
  }
}

/** Refuses to mail links built on another PUBLIC_URL than the one `serve` runs with. */
export async function refuseOtherPublicUrl(ctx: Context): Promise<void> {
  const { recordedPublicUrl } = await import('../store/settings.js');
  const served = recordedPublicUrl(ctx.db);
  if (served === null || served === ctx.config.PUBLIC_URL) return;
  throw new Error(`PUBLIC_URL is ${ctx.config.PUBLIC_URL} here, but ${commandLine('serve')} runs with ${served}: the links in these mails would not work. ` +
    `Give this command the server's settings (PUBLIC_URL=${served}, e.g. in a .env file in this folder)`);
}

/** Learns the semantic space again when papers were stored since it was learned (src/semantic-space.ts: seconds of
 *  CPU), saying so on `print` (stderr where stdout carries the command's output). */
export async function refreshSpaceSaying(db: Db, print = (line: string) => console.error(line)): Promise<void> {
  const { refreshSpace, spaceIsStale } = await import('../semantic-space.js');
  if (!spaceIsStale(db)) return;
  if (process.stderr.isTTY) console.error('paperboy: learning the semantic space from the recent papers…');
  const r = refreshSpace(db);
  if (r) print(`learned the semantic space from ${r.papers} papers (${r.width} dimensions${r.entries ? `; ${r.entries} library entries folded in` : ''}) in ${r.secs.toFixed(1)} s`);
}

/** Asks a question on standard error and resolves with the line answered on standard input ('' at its end: a script
 *  with nothing to say, or /dev/null, answers no). */
export async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write(question);
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** A size in MB for the operator. */
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** The `--now` value: an ISO 8601 time. */
export const parseInstant = (v: string): Date => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-11-29T08:00:00Z');
  return d;
};
