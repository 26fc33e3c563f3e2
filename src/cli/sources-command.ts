import type { Command } from 'commander';
import { withDb } from './shared.js';

/** `paperboy sources`: show the latest ingest runs: source, counts, errors. */
export function sourcesCommand(cli: Command): void {
  cli.command('sources').description('show the latest ingest runs: source, counts, errors')
    .option('--limit <n>', 'how many runs', (v) => parseInt(v, 10), 20)
    .action((opts: { limit: number }) => withDb(async (db) => {
      const { sourcesCommand } = await import('../ingest/commands.js');
      sourcesCommand(db, opts.limit).forEach((l) => console.log(l));
    }));
}
