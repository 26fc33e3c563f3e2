import { type Command, InvalidArgumentError } from 'commander';
import { FORMATS, type Format } from '../ingest/types.js';
import { withDb, refreshSpaceSaying } from './shared.js';

/** The `--format` value, checked against the known formats. */
const parseFormat = (v: string): Format => {
  if (!(FORMATS as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown format "${v}"; expected one of ${FORMATS.join(', ')}`);
  return v as Format;
};

/** `paperboy ingest`: ingest papers from files or http(s) URLs (format detected, or --format). */
export function ingestCommand(cli: Command): void {
  cli.command('ingest').description('ingest papers from files or http(s) URLs (format detected, or --format)')
    .argument('<sources...>', 'files (.gz allowed) or URLs')
    .option('--format <format>', `parse as ${FORMATS.join(' | ')}`, parseFormat)
    .action((sources: string[], opts: { format?: Format }) => withDb(async (db, config) => {
      const { ingestCommand } = await import('../ingest/commands.js');
      const failed = await ingestCommand({ db, publicUrl: config.PUBLIC_URL }, sources, opts.format);
      await refreshSpaceSaying(db, console.log);
      process.exitCode = failed ? 1 : 0;
    }));
}
