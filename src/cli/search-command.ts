import type { Command } from 'commander';
import { withDb } from './shared.js';

/** `paperboy search`: find stored papers whose title, abstract or authors hold every word given. */
export function searchCommand(cli: Command): void {
  cli.command('search').description('find stored papers whose title, abstract or authors hold every word given')
    .argument('<words...>', 'words to look for').option('--limit <n>', 'how many papers', (v) => parseInt(v, 10), 20)
    .action((words: string[], opts: { limit: number }) => withDb(async (db) => {
      const { searchPapers } = await import('../store/search.js');
      const found = searchPapers(db, words.join(' '), opts.limit);
      found.forEach((p) => console.log(`${p.id}  ${p.title}`));
      if (found.length === 0) console.log('no stored paper matches');
    }));
}
