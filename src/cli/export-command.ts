import type { Command } from 'commander';
import { withDb } from './shared.js';

/** `paperboy export`: write every stored paper as JSONL (the format `ingest` reads back). */
export function exportCommand(cli: Command): void {
  cli.command('export').description('write every stored paper as JSONL (the format `ingest` reads back)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action((opts: { out?: string }) => withDb(async (db) => {
      const { exportCommand } = await import('../ingest/commands.js');
      const n = await exportCommand(db, opts.out);
      if (opts.out) console.log(`exported ${n} papers to ${opts.out}`);
    }));
}
