// `npm run bench:scale`: how Paperboy's fixed costs grow with the list (issue 25). The minute tick with nobody due at
// each size in BENCH_SUBSCRIBERS (default 10,000, 100,000 and 1,000,000), in one run, beside the pass over every
// subscriber row that the tick made before migration 017. Prints wall and CPU time and the ratio largest ÷ smallest.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { insertSubscribers, serveUntil, timeTick } from './tick.js';

/** 03:30 UTC: 23:30 in New York, 12:30 in Tokyo; in every zone whoever's hour has come is served already. */
const NOW = new Date('2026-12-07T03:30:00Z');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const sizes = (arg('subscribers') ?? process.env.BENCH_SUBSCRIBERS ?? '10000,100000,1000000').split(',').map(Number);
const runs = Number(arg('runs') ?? 5);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Builds each size's store, times its tick and prints one line per size, then the ratio of the largest to the smallest. */
async function main(): Promise<void> {
  console.log(`bench:scale — minute tick with nobody due at ${NOW.toISOString()}; sizes ${sizes.join(', ')}; medians of ${runs} after a warm-up; load ${load()}`);
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-scale-'));
  const ticks: { n: number; wall: number; cpu: number }[] = [];
  try {
    for (const n of sizes) {
      const file = join(dir, `${n}.db`);
      const t = performance.now();
      insertSubscribers(file, n, NOW);
      const rows = serveUntil(file, NOW);
      const built = (performance.now() - t) / 1000;
      const r = await timeTick(file, NOW, runs);
      ticks.push({ n, ...r.tick });
      console.log(`${n.toLocaleString('en')} subscribers (${rows.toLocaleString('en')} digest rows, ${(statSync(file).size / 2 ** 20).toFixed(0)} MB, built in ${built.toFixed(0)} s): ` +
        `tick ${ms(r.tick.wall)} wall, ${ms(r.tick.cpu)} CPU (due: ${r.due}); the pass over every row it replaced ${ms(r.scan.wall)} wall, ${ms(r.scan.cpu)} CPU; load ${load()}`);
      rmSync(file, { force: true });
    }
    const [small, large] = [ticks[0], ticks[ticks.length - 1]];
    if (ticks.length > 1) {
      console.log(`tick at ${large.n.toLocaleString('en')} ÷ at ${small.n.toLocaleString('en')}: wall ${(large.wall / small.wall).toFixed(2)}×, CPU ${(large.cpu / small.cpu).toFixed(2)}× ` +
        `(targets: under 50 ms at a million, ratio under 2)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
