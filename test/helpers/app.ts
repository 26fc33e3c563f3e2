import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { closeContext, createContext, type Context, type ContextOverrides } from '../../src/context.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { startSignupMailTimers } from '../../src/jobs/signup-mail.js';
import { ingestListingFile } from './papers.js';
import { startSmtp, type TestSmtp } from './smtp.js';

/** The app's limits, and a feed fetcher pointed at local servers (the context's). */
export type StartOptions = AppOptions & Pick<ContextOverrides, 'feeds'>;

/** A Paperboy instance on a temporary SQLite file, with its HTTP app (not listening: use inject). */
export interface TestPaperboy {
  dir: string;
  config: Config;
  ctx: Context;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Builds a real context and app over a fresh temp directory; `env` overrides configuration, `opts` the app's limits. */
export async function startPaperboy(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestPaperboy> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  const config = loadConfig({
    PAPERBOY_DB: join(dir, 'paperboy.db'), PAPERBOY_OUTBOX: join(dir, 'outbox'),
    PUBLIC_URL: 'http://paperboy.test', LOG_LEVEL: 'silent', PAPERBOY_SOURCES: 'none', ...env,
  });
  const ctx = await createContext(config, { log: pino({ level: 'silent' }), feeds: opts.feeds });
  const app = await buildApp(ctx, opts);
  // As serve's scheduler does: the sign-up mailer's minute and retry timers.
  const stopTimers = startSignupMailTimers(ctx.mailer);
  return {
    dir, config, ctx, app,
    async close() {
      stopTimers();
      await app.close();
      await closeContext(ctx);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The path part of a link found in a mail body (the app under test is reached with inject). */
export function linkPath(text: string, prefix: string): string {
  const m = new RegExp(`https?://[^/\\s]+(/${prefix}/[^\\s>"]+)`).exec(text);
  if (!m) throw new Error(`no /${prefix}/ link in:\n${text}`);
  return m[1];
}

/** A Paperboy instance whose mails go to a fresh loopback SMTP server; optionally with the sample papers. */
export async function startWithSmtp(opts: { papers?: boolean } = {}): Promise<{ pb: TestPaperboy; smtp: TestSmtp; close(): Promise<void> }> {
  const smtp = await startSmtp();
  const pb = await startPaperboy({ SMTP_URL: smtp.url });
  if (opts.papers) ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt');
  return {
    pb, smtp,
    async close() {
      await pb.close();
      await smtp.close();
    },
  };
}

/** The page a browser ends on after sending a form: the POST and, when it answers 303 (Post/Redirect/Get), the GET of
 *  its Location with the cookie it set. `posted` is the POST's own status. */
export async function submit(app: FastifyInstance, opts: InjectOptions): Promise<LightMyRequestResponse & { posted: number }> {
  const res = await app.inject({ method: 'POST', ...opts });
  if (res.statusCode !== 303) return Object.assign(res, { posted: res.statusCode });
  const cookie = [res.headers['set-cookie'] ?? []].flat().map((c) => String(c).split(';')[0]).join('; ');
  const page = await app.inject({ url: String(res.headers.location), headers: cookie ? { cookie } : {} });
  return Object.assign(page, { posted: res.statusCode });
}
