// The one command an operator types: `./paperboy` in the checkout, `/opt/paperboy/paperboy`, or `paperboy` through a
// link on PATH (the deploy guide's install step), from any folder; never npm's unrelated package of the same name.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const SCRIPT = resolve('paperboy');
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** Runs `file args…` in `cwd`; resolves with the output and exit code, failing or not. */
function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return exec(file, args, { cwd, env }).then((r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }));
}

describe('the paperboy command', () => {
  let dir: string;
  let bin: string;
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const key of ['PAPERBOY_DB', 'PAPERBOY_COMMAND', 'SMTP_URL', 'PUBLIC_URL']) delete env[key];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-command-'));
    bin = join(dir, 'bin');
    // The deploy guide's install step: a link on PATH to the checkout's script.
    mkdirSync(bin);
    symlinkSync(SCRIPT, join(bin, 'paperboy'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints this checkout\'s version from any folder, by its path or through a link on PATH', async () => {
    const byPath = await run(SCRIPT, ['--version'], dir, env);
    expect(byPath).toMatchObject({ code: 0, stdout: `paperboy ${VERSION} (Node ${process.versions.node})\n` });
    const onPath = await run('paperboy', ['-v'], dir, { ...env, PATH: `${bin}:${env.PATH}` });
    expect(onPath.stdout).toBe(byPath.stdout);
  });

  it('names itself in messages as it was typed', async () => {
    const missing = (cmd: string) => `paperboy: no Paperboy database at ${join(dir, 'data', 'paperboy.db')}; start \`${cmd} serve\` (or \`${cmd} migrate\` for an empty one) in the right folder, or set PAPERBOY_DB\n`;
    expect((await run(SCRIPT, ['sources'], dir, env)).stderr).toBe(missing(SCRIPT));
    expect((await run('paperboy', ['sources'], dir, { ...env, PATH: `${bin}:${env.PATH}` })).stderr).toBe(missing('paperboy'));
    expect((await run('./paperboy', ['sources'], resolve('.'), { ...env, PAPERBOY_DB: join(dir, 'data', 'paperboy.db') })).stderr).toBe(missing('./paperboy'));
    // The container image runs the file itself.
    expect((await run(process.execPath, [resolve('bin/paperboy.js'), 'sources'], dir, env)).stderr).toBe(missing(`node ${resolve('bin/paperboy.js')}`));
  });

  it('says what to install when node is not on PATH', async () => {
    const r = await run('/bin/sh', [SCRIPT, '--version'], dir, { ...env, PATH: '/nonexistent' });
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/node is not on PATH: install Node\.js 22/);
  });

  it('is the command every README and docs example uses', () => {
    const docs = ['README.md', 'GLOSSARY.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
    for (const file of docs) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/npx paperboy [a-z<]/);
      // Outside the container (`docker exec paperboy node bin/paperboy.js …`), examples run the script, not the file behind it.
      expect(text.replace(/paperboy node bin\/paperboy\.js/g, ''), file).not.toMatch(/node (\S*\/)?bin\/paperboy\.js/);
    }
  });
});
