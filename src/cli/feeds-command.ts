import type { Command } from 'commander';
import { withDb } from './shared.js';

/** `paperboy feeds list | add | remove | import`: journals' table-of-contents feeds. */
export function feedsCommand(cli: Command): void {
  const feeds = cli.command('feeds').description("journals' table-of-contents feeds (RSS 1.0, RSS 2.0, Atom): each a source subscribers can follow");
  feeds.command('list').description('every journal feed, with the code its papers carry (those of PAPERBOY_FEEDS too)')
    .action(() => withDb(async (db, config) => {
      const { listCommand } = await import('../ingest/feed-commands.js');
      listCommand(db, config.PAPERBOY_FEEDS).forEach((l) => console.log(l));
    }));
  feeds.command('add').description('keep a journal feed: serve fetches it at every ingest').argument('<url>', 'the feed\'s http(s) URL')
    .option('--name <name>', 'the name subscribers see (default: the feed\'s own title)')
    .action((url: string, opts: { name?: string }) => withDb(async (db) => {
      const { addCommand } = await import('../ingest/feed-commands.js');
      addCommand(db, url, opts.name).forEach((l) => console.log(l));
    }));
  feeds.command('remove').description('stop fetching a journal feed (its papers stay)').argument('<url-or-code>', 'the feed\'s URL or code')
    .action((what: string) => withDb(async (db, config) => {
      const { removeCommand } = await import('../ingest/feed-commands.js');
      removeCommand(db, what, config.PAPERBOY_FEEDS).forEach((l) => console.log(l));
    }));
  feeds.command('import').description('keep every feed an OPML file (a feed reader\'s export) lists').argument('<file>', 'the OPML file')
    .action((file: string) => withDb(async (db) => {
      const { importCommand } = await import('../ingest/feed-commands.js');
      importCommand(db, file).forEach((l) => console.log(l));
    }));
}
