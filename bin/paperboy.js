#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` through the prepare script). The `paperboy` script at the root of the
// checkout calls this file; so does `node bin/paperboy.js` (the container image).
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// How messages name the command: as the `paperboy` script was typed, else this file as it was run.
if (!process.env.PAPERBOY_COMMAND) {
  const rel = relative(process.cwd(), process.argv[1]);
  process.env.PAPERBOY_COMMAND = `node ${rel.startsWith('..') ? process.argv[1] : rel}`;
}
const url = new URL('../dist/cli.js', import.meta.url);
const cli = fileURLToPath(url);
if (!existsSync(cli)) {
  console.error(`paperboy: ${cli} is missing: run \`npm ci\` (or \`npm run build\`) in ${fileURLToPath(new URL('..', import.meta.url))}`);
  process.exit(1);
}
import(url.href).then((m) => m.main(process.argv)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
