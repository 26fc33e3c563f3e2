// The `paperboy` command line: one file a command in cli/, registered here in the order `--help` lists them.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupCommand } from './cli/backup-command.js';
import { bouncesCommand } from './cli/bounces-command.js';
import { deliveriesCommand } from './cli/deliveries-command.js';
import { digestCommand } from './cli/digest-command.js';
import { exportCommand } from './cli/export-command.js';
import { feedsCommand } from './cli/feeds-command.js';
import { ingestCommand } from './cli/ingest-command.js';
import { mailTestCommand } from './cli/mail-test-command.js';
import { migrateCommand } from './cli/migrate-command.js';
import { previewCommand } from './cli/preview-command.js';
import { pruneCommand } from './cli/prune-command.js';
import { restoreCommand } from './cli/restore-command.js';
import { searchCommand } from './cli/search-command.js';
import { serveCommand } from './cli/serve-command.js';
import { sourcesCommand } from './cli/sources-command.js';
import { subscribersCommand } from './cli/subscribers-command.js';
import { commandChosen, config, forgetConfig, loadedConfig } from './cli/shared.js';

/** This checkout's version, from its package.json (the same file from src/ and dist/). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Builds the `paperboy` command line. */
export function program(): Command {
  forgetConfig();
  const cli = new Command('paperboy').description('Daily research-paper digests, ranked for each subscriber').showHelpAfterError()
    .version(`paperboy ${version()} (Node ${process.versions.node})`, '-v, --version', 'print the version');
  // Before any command runs: the configuration is read (a bad value stops here), and a person at a terminal is told which database is used.
  cli.hook('preAction', (_program, action) => {
    commandChosen(action.name());
    const file = resolve(config().PAPERBOY_DB);
    if (process.stderr.isTTY) console.error(`paperboy: database ${file}`);
  });
  for (const add of [serveCommand, migrateCommand, backupCommand, restoreCommand, pruneCommand, ingestCommand, exportCommand, sourcesCommand, feedsCommand, searchCommand, digestCommand, deliveriesCommand, bouncesCommand, mailTestCommand, previewCommand, subscribersCommand]) add(cli);
  return cli;
}

/** Runs the CLI with process arguments; exits 1 with a one-line message on error. */
export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    // A statement that waited the whole busy timeout: say who held the lock, not SQLite's "database is locked".
    const { isBusy, lockedError } = await import('./db/lock.js');
    const loaded = loadedConfig();
    const shown = isBusy(err) && loaded ? lockedError(resolve(loaded.PAPERBOY_DB)) : err;
    console.error(`paperboy: ${shown instanceof Error ? shown.message : String(shown)}`);
    process.exitCode = 1;
  }
}
