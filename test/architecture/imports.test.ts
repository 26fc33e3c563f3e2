// Data flows one way: source → ingest → store → rank → digest → mail, with http beside them. These rules read the
// import graph of src/ and fail on an import that runs the wrong way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { breaches, cycles, importGraph, resolveImport, staleExceptions, type Exception, type Rule } from './imports.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Modules and packages that do I/O: files, sockets, threads, the database, mail, the web, the terminal. */
const IO = [
  'db/', 'store/', 'mail/', 'bounces/', 'http/', 'ingest/', 'jobs/', 'admin/', 'bench/', 'eval/', 'context.ts', 'server.ts', 'cli.ts', 'config.ts',
  'progress.ts', 'templates.ts', 'worker-thread.ts', 'ranking.ts',
  'node:fs', 'node:fs/promises', 'node:net', 'node:http', 'node:https', 'node:child_process', 'node:worker_threads',
  'node:dns', 'node:tls', 'node:dgram', 'node:readline', 'better-sqlite3', 'nodemailer', 'fastify', 'pino', 'node-cron', 'cli-progress',
];

const RULES: Rule[] = [
  {
    name: 'storage knows no mail, parser, web, ranking or wiring',
    from: ['store/', 'db/'],
    forbid: ['mail/', 'bounces/', 'ingest/', 'http/', 'digest/', 'rank/', 'jobs/', 'admin/', 'bench/', 'eval/', 'context.ts', 'server.ts', 'cli.ts', 'ranking.ts'],
  },
  { name: 'the database layer knows no store', from: ['db/'], forbid: ['store/'] },
  { name: 'ranking and composing do no I/O', from: ['rank/', 'digest/'], forbid: IO },
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
});

describe('the rule checker', () => {
  it('resolves relative imports to files under the root and keeps package names', () => {
    expect(resolveImport('store/digests.ts', '../mail/outcome.js')).toBe('mail/outcome.ts');
    expect(resolveImport('cli.ts', './db/open.js')).toBe('db/open.ts');
    expect(resolveImport('http/routes/assets.ts', '../../templates.js')).toBe('templates.ts');
    expect(resolveImport('db/open.ts', 'node:fs')).toBe('node:fs');
  });

  it('reports a bad edge, by file, folder or package, and lets a listed exception through', () => {
    const bad = [
      { from: 'store/digests.ts', to: 'mail/outcome.ts' },
      { from: 'digest/render.ts', to: 'node:fs' },
      { from: 'rank/rank.ts', to: 'context.ts' },
    ];
    const fine = [{ from: 'mail/sender.ts', to: 'store/digests.ts' }, { from: 'digest/compose.ts', to: 'model.ts' }];
    expect(breaches([...bad, ...fine], RULES)).toEqual([
      'storage knows no mail, parser, web, ranking or wiring: store/digests.ts imports mail/outcome.ts',
      'ranking and composing do no I/O: digest/render.ts imports node:fs',
      'ranking and composing do no I/O: rank/rank.ts imports context.ts',
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
