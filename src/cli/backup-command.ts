import type { Command } from 'commander';
import { resolve } from 'node:path';
import { config, requireDb, mb } from './shared.js';

/** `paperboy backup`: write a consistent copy of the database to <file>, also while `paperboy serve` runs and sends. */
export function backupCommand(cli: Command): void {
  cli.command('backup').description('write a consistent copy of the database to <file>, also while `paperboy serve` runs and sends')
    .argument('<file>', 'the copy to write, e.g. /backup/paperboy-$(date +%F).db (replaced if it exists)')
    .action(async (file: string) => {
      requireDb(config());
      const { backupDatabase } = await import('../db/backup.js');
      const r = await backupDatabase(config().PAPERBOY_DB, file);
      console.log(`backed up ${resolve(config().PAPERBOY_DB)} to ${resolve(file)} (${mb(r.bytes)}, ${(r.ms / 1000).toFixed(1)} s; integrity check ok). ` +
        'The search index is not in it: after a restore it is rebuilt from the papers');
    });
}
