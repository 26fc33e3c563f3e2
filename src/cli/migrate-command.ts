import type { Command } from 'commander';
import { resolve } from 'node:path';
import { commandLine } from '../command.js';
import { config, waitForLock } from './shared.js';

/** Rewrites an older database file so that pruned space goes back to the file system; a sentence saying what happened. */
async function convertFile(file: string): Promise<string> {
  const { convertToIncrementalVacuum, openAlone } = await import('../db/maintenance.js');
  const { db } = openAlone(file);
  if (!db) return `${file} is in use by another process: stop ${commandLine('serve')} and run ${commandLine('migrate')} again, so that pruned space goes back to the file system (until then it is reused)`;
  try {
    const t = Date.now();
    convertToIncrementalVacuum(db);
    return `rewrote ${file} in ${((Date.now() - t) / 1000).toFixed(1)} s: pruned space now goes back to the file system (once; needs as much free disk as the file)`;
  } finally {
    db.close();
  }
}

/** `paperboy migrate`: apply pending database migrations (and, once, let an older file give pruned space back). */
export function migrateCommand(cli: Command): void {
  cli.command('migrate').description('apply pending database migrations (and, once, let an older file give pruned space back)').action(async () => {
    const { openDb } = await import('../db/open.js');
    const { migrate } = await import('../db/migrate.js');
    const { returnsSpace } = await import('../db/maintenance.js');
    const { LOCK_WAIT_MS } = await import('../db/lock.js');
    await waitForLock();
    const db = openDb(config().PAPERBOY_DB, { busyTimeoutMs: LOCK_WAIT_MS });
    const applied = migrate(db);
    const convert = !returnsSpace(db);
    db.close();
    console.log(applied.length ? `applied ${applied.join(', ')}` : `${resolve(config().PAPERBOY_DB)} is up to date`);
    if (convert) console.log(await convertFile(config().PAPERBOY_DB));
  });
}
