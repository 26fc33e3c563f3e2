import type { Command } from 'commander';
import { resolve } from 'node:path';
import { config, mb } from './shared.js';

/** `paperboy restore`: replace the database with a backup made by `paperboy backup` (stop `paperboy serve` first). */
export function restoreCommand(cli: Command): void {
  cli.command('restore').description('replace the database with a backup made by `paperboy backup` (stop `paperboy serve` first)')
    .argument('<file>', 'the backup')
    .action(async (file: string) => {
      const { restoreDatabase } = await import('../db/backup.js');
      const r = await restoreDatabase(config().PAPERBOY_DB, file);
      console.log(`restored ${resolve(file)} into ${resolve(config().PAPERBOY_DB)} (${mb(r.bytes)}, ${(r.ms / 1000).toFixed(1)} s)` +
        (r.kept ? `; the database as it was is in ${resolve(r.kept)}, and its newest ids carried over (links mailed after the backup name nobody new)` : '') +
        '. The search index is rebuilt at the next start');
    });
}
