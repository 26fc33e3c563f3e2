import { resolve } from 'node:path';
import type { Config } from './config.js';
import { closeContext, createContext } from './context.js';
import { buildApp } from './http/app.js';
import { scheduledIngest } from './ingest/commands.js';
import { ingestSampleIfEmpty } from './ingest/sample.js';
import { startScheduler } from './jobs/scheduler.js';

/** `paperboy serve`: database → migrations → sample papers → HTTP → scheduler; closes cleanly on SIGTERM/SIGINT. */
export async function serve(config: Config): Promise<void> {
  const ctx = await createContext(config);
  const sample = await ingestSampleIfEmpty({ db: ctx.db });
  if (sample) ctx.log.info({ added: sample.new, rejected: sample.rejected }, 'store was empty: ingested the bundled sample papers');
  const app = await buildApp(ctx);
  await app.listen({ port: config.PORT, host: config.HOST });
  const scheduler = startScheduler(ctx, () => scheduledIngest({ db: ctx.db, publicUrl: config.PUBLIC_URL }, config.PAPERBOY_SOURCES, ctx.log));
  ctx.log.info({ database: resolve(config.PAPERBOY_DB), mail: ctx.transport.describe(), url: config.PUBLIC_URL },
    `Paperboy is running at ${config.PUBLIC_URL}; database ${resolve(config.PAPERBOY_DB)}; mail goes to ${ctx.transport.describe()}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ctx.log.info({ signal }, 'stopping: no new work, finishing what is in flight');
    await app.close();
    await scheduler.stop();
    await closeContext(ctx);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
