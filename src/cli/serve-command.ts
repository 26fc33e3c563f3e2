import type { Command } from 'commander';
import { config } from './shared.js';

/** `paperboy serve`: run the HTTP server and the scheduler. */
export function serveCommand(cli: Command): void {
  cli.command('serve').description('run the HTTP server and the scheduler')
    .option('--no-sample', 'do not store the bundled sample papers when the database is empty')
    .action(async (opts: { sample: boolean }) => (await import('../server.js')).serve(config(), { sample: opts.sample }));
}
