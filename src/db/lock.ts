// Commands share the database file with a running `paperboy serve`, which may hold its write lock for a while (at
// start: migrations, the sample, the first ingest). A command waits for the lock rather than failing with "database is
// locked": it says so after a second, and gives up after a minute naming the processes that have the file open.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandLine } from '../command.js';

/** How long a command waits for the write lock, in all: before it starts and at each statement after (busy_timeout). */
export const LOCK_WAIT_MS = 60_000;

/** After this long a command says it is waiting. */
const SAY_AFTER_MS = 1_000;

/** How often the lock is tried while waiting. */
const POLL_MS = 100;

/** The database stayed locked by another process for as long as a command waits; the message names who holds it. */
export class DatabaseLocked extends Error {
  override name = 'DatabaseLocked';
}

/** True for SQLite's "database is locked" (SQLITE_BUSY and its extended codes). */
export function isBusy(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_BUSY');
}

/**
 * The other processes that have `file` (or its -wal) open, as "pid 1234 (node bin/paperboy.js serve)": read from
 * /proc on Linux, where Paperboy runs; empty elsewhere or when none can be read (another user's processes).
 */
export function lockHolders(file: string): string[] {
  let targets: Set<string>;
  let pids: string[];
  try {
    const real = realpathSync(file);
    targets = new Set([real, `${real}-wal`]);
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const pid of pids) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (!fds.some((fd) => { try { return targets.has(readlinkSync(`/proc/${pid}/fd/${fd}`)); } catch { return false; } })) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      found.push(`pid ${pid} (${cmd.length > 120 ? `${cmd.slice(0, 117)}…` : cmd})`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** "pid 1234 (node … serve)" for the holders, or what to look for when none can be named. */
function whoHolds(file: string): string {
  const holders = lockHolders(file);
  return holders.length ? holders.join(', ') : `another process (a running ${commandLine('serve')}, or another command)`;
}

/** Options of waitForDatabase; the defaults are what commands use (tests shorten the wait). */
export interface LockWait {
  /** Told once, after a second of waiting. */
  onWait?: (message: string) => void;
  timeoutMs?: number;
}

/**
 * Resolves once no other process holds the write lock of the database `file` (tried with a connection of its own, every
 * POLL_MS, without blocking the event loop); says so through `onWait` after a second; rejects with DatabaseLocked,
 * naming the holders, after `timeoutMs`. A missing file resolves at once (there is nothing to wait for).
 */
export async function waitForDatabase(file: string, opts: LockWait = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? LOCK_WAIT_MS;
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch {
    return;
  }
  try {
    const started = Date.now();
    let told = false;
    for (;;) {
      try {
        // Takes the write lock and lets it go: the lock was free at this instant.
        db.exec('BEGIN IMMEDIATE; ROLLBACK');
        return;
      } catch (err) {
        if (!isBusy(err)) throw err;
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw lockedError(file, timeoutMs);
      if (!told && waited >= SAY_AFTER_MS) {
        told = true;
        opts.onWait?.(`waiting for the database ${file}: ${whoHolds(file)} is writing to it; giving up after ${seconds(timeoutMs)}`);
      }
      await sleep(POLL_MS);
    }
  } finally {
    db.close();
  }
}

/** The error of a command that waited `ms` for the lock of `file` in vain, naming who holds it. */
export function lockedError(file: string, ms = LOCK_WAIT_MS): DatabaseLocked {
  return new DatabaseLocked(`the database ${file} stayed locked for ${seconds(ms)} by ${whoHolds(file)}: run this command again once that is done`);
}

/** "a minute", "1.5 s". */
function seconds(ms: number): string {
  return ms === 60_000 ? 'a minute' : `${ms / 1000} s`;
}
