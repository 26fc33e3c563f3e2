// Data flows one way: source → ingest → store → rank → digest → mail, with http beside them. These rules read the
// import graph of src/ and fail on an import that runs the wrong way.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { breaches, cycles, folderGraph, importGraph, resolveImport, staleExceptions, type Exception, type Rule } from './imports.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Modules and packages that do I/O: files, sockets, threads, the database, mail, the web, the terminal. */
const IO = [
  'db/', 'store/', 'mail/', 'bounces/', 'http/', 'ingest/', 'jobs/', 'admin/', 'context.ts', 'server.ts', 'cli.ts', 'cli/', 'config.ts',
  'progress.ts', 'templates.ts', 'worker-thread.ts', 'digest/choose.ts', 'digest/build.ts',
  'node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:https', 'node:child_process', 'node:worker_threads',
  'node:dns', 'node:tls', 'node:dgram', 'node:readline', 'better-sqlite3', 'nodemailer', 'fastify', 'pino', 'node-cron', 'cli-progress',
];

const RULES: Rule[] = [
  {
    name: 'storage knows no mail, parser, web, ranking or wiring',
    from: ['store/', 'db/'],
    forbid: ['mail/', 'bounces/', 'ingest/', 'http/', 'digest/', 'rank/', 'jobs/', 'admin/', 'context.ts', 'server.ts', 'cli.ts', 'cli/'],
  },
  { name: 'the database layer knows no store', from: ['db/'], forbid: ['store/'] },
  // Choosing a digest's papers (choose.ts) and building it (build.ts) read the store; the rest of digest/ is pure.
  { name: 'ranking and composing do no I/O', from: ['rank/', 'digest/'], except: ['digest/choose.ts', 'digest/build.ts'], forbid: IO },
  {
    name: 'a digest is chosen and built, never sent or served',
    from: ['digest/'],
    forbid: ['mail/', 'bounces/', 'http/', 'ingest/', 'jobs/', 'admin/', 'context.ts', 'server.ts', 'cli.ts', 'cli/', 'nodemailer', 'fastify', 'node:fs', 'node:net'],
  },
  { name: 'bounces read mail, never the reverse', from: ['mail/'], forbid: ['bounces/', 'http/'] },
  { name: 'signing up is a service the web and the admin call, knowing neither', from: ['signup/'], forbid: ['http/', 'admin/', 'jobs/', 'cli/', 'cli.ts', 'server.ts', 'fastify'] },
  { name: 'links and log scrubbing stand below everything that mails or serves', from: ['links/', 'log/'], forbid: ['mail/', 'http/', 'bounces/', 'context.ts'] },
];

/** Breaches still in the code, each until its module moves (none today). */
const EXCEPTIONS: Exception[] = [];

describe('the import graph of src/', () => {
  const edges = importGraph(SRC);

  it('is read whole: every layer is there', () => {
    for (const dir of ['db/', 'store/', 'ingest/', 'rank/', 'digest/', 'mail/', 'bounces/', 'http/']) {
      expect(edges.some((e) => e.from.startsWith(dir)), dir).toBe(true);
    }
  });

  it('follows the layer rules', () => {
    expect(breaches(edges, RULES, EXCEPTIONS)).toEqual([]);
  });

  it('lists no exception that the code no longer needs', () => {
    expect(staleExceptions(edges, EXCEPTIONS)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('has no cycle between folders: each folder (and each file at the top) points one way', () => {
    expect(cycles(folderGraph(edges))).toEqual([]);
  });
});

describe('the test files', () => {
  it('each say by their name which run they belong to: .unit, .int, .e2e or .browser (vitest.config.ts)', () => {
    const files = readdirSync(fileURLToPath(new URL('../', import.meta.url)), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !/\.(unit|int|e2e|browser)\.test\.ts$/.test(f))).toEqual([]);
  });
});

describe('the tools (tools/)', () => {
  it('reach the product only through its build (#paperboy/…), never its source', () => {
    const edges = importGraph(fileURLToPath(new URL('../../tools/', import.meta.url)));
    expect(edges.some((e) => e.to.startsWith('#paperboy/'))).toBe(true);
    expect(edges.filter((e) => e.to.startsWith('../')).map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });

  it('import only modules the product has (a module moved in src/ is moved in tools/ too)', () => {
    const edges = importGraph(fileURLToPath(new URL('../../tools/', import.meta.url)));
    const product = new Set(readdirSync(SRC, { recursive: true, encoding: 'utf8' }).map((f) => f.split('\\').join('/')));
    const missing = edges.filter((e) => e.to.startsWith('#paperboy/') && !product.has(e.to.slice('#paperboy/'.length).replace(/\.js$/, '.ts')));
    expect(missing.map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });
});

describe('the rule checker', () => {
  it('resolves relative imports to files under the root and keeps package names', () => {
    expect(resolveImport('store/digests.ts', '../mail/outcome.js')).toBe('mail/outcome.ts');
    expect(resolveImport('cli.ts', './db/open.js')).toBe('db/open.ts');
    expect(resolveImport('http/routes/assets.ts', '../../templates.js')).toBe('templates.ts');
    expect(resolveImport('db/open.ts', 'node:fs')).toBe('node:fs');
  });

  it('reports a bad edge, by file, folder or package, and lets a rule\'s own exceptions and a listed exception through', () => {
    const bad = [
      { from: 'store/digests.ts', to: 'mail/outcome.ts' },
      { from: 'digest/render.ts', to: 'node:fs' },
      { from: 'rank/rank.ts', to: 'context.ts' },
    ];
    const fine = [
      { from: 'mail/sender.ts', to: 'store/digests.ts' }, { from: 'digest/compose.ts', to: 'model.ts' }, { from: 'digest/choose.ts', to: 'store/votes.ts' },
    ];
    expect(breaches([...bad, ...fine], RULES)).toEqual([
      'storage knows no mail, parser, web, ranking or wiring: store/digests.ts imports mail/outcome.ts',
      'ranking and composing do no I/O: digest/render.ts imports node:fs',
      'ranking and composing do no I/O: rank/rank.ts imports context.ts',
      'a digest is chosen and built, never sent or served: digest/render.ts imports node:fs',
    ]);
    const why = 'moves later';
    expect(breaches(bad, RULES, bad.map((e) => ({ ...e, why })))).toEqual([]);
    expect(staleExceptions(fine, [{ ...bad[0], why }])).toEqual(['store/digests.ts → mail/outcome.ts']);
  });

  it('finds files that import each other, directly or round a longer circle', () => {
    expect(cycles([
      { from: 'mail/mime.ts', to: 'mail/transport.ts' }, { from: 'mail/transport.ts', to: 'mail/mime.ts' },
      { from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'c.ts' }, { from: 'c.ts', to: 'a.ts' }, { from: 'c.ts', to: 'd.ts' },
    ])).toEqual([['mail/mime.ts', 'mail/transport.ts'], ['a.ts', 'b.ts', 'c.ts']]);
  });

  it('finds folders that import each other though no two files do', () => {
    const edges = [
      { from: 'mail/sender.ts', to: 'bounces/verp.ts' }, { from: 'bounces/record.ts', to: 'mail/outcome.ts' },
      { from: 'mail/outcome.ts', to: 'mail/pool.ts' }, { from: 'links.ts', to: 'http/tokens.ts' }, { from: 'mail/sender.ts', to: 'node:fs' },
    ];
    expect(cycles(edges)).toEqual([]);
    expect(folderGraph(edges)).toEqual([
      { from: 'mail/', to: 'bounces/' }, { from: 'bounces/', to: 'mail/' }, { from: 'links.ts', to: 'http/' },
    ]);
    expect(cycles(folderGraph(edges))).toEqual([['bounces/', 'mail/']]);
  });

  it('reads type-only imports, re-exports and dynamic imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-imports-'));
    try {
      writeFileSync(join(dir, 'a.ts'), [
        "import type { X } from './b.js';", "export { y } from './c.js';", "const z = await import('./d.js');",
        "import {\n  w,\n} from 'node:fs';",
      ].join('\n'));
      expect(importGraph(dir).map((e) => e.to).sort()).toEqual(['b.ts', 'c.ts', 'd.ts', 'node:fs']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
