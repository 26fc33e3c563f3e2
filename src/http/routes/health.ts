import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { outboxWarning } from '../../config.js';
import type { Context } from '../../context.js';
import { ingestWarnings } from '../../ingest/health.js';
import { relayRefusal, relayWarning } from '../../mail/relay.js';
import { lastRunPerSource } from '../../store/ingest-runs.js';
import { mailboxStatuses } from '../../store/mail-events.js';
import { needsOperator, type OperatorCheck } from '../operator.js';
import { publicSource, publicText } from '../../log/redact.js';

/** What /healthz needs: the store and the settings it checks, and who the operator is. */
export interface HealthRouteDeps {
  ctx: Pick<Context, 'db' | 'config'>;
  isOperator: OperatorCheck;
}

/**
 * GET /healthz: 200 `{"status":"ok"}` when the database answers, 503 when it does not. With the operator's
 * bearer token it adds the paper count, the last ingest run of each source, the bounce mailbox's last pass and
 * any warning: sources without credentials or query strings, files by name, errors and warnings with the same done to them.
 */
export const healthRoutes = ({ ctx, isOperator }: HealthRouteDeps): FastifyPluginAsyncZod => async (app) => {
  app.get('/healthz', { schema: { summary: 'Up or down; details with Authorization: Bearer <METRICS_TOKEN>', tags: ['operations'] } }, async (req, reply) => {
    const who = isOperator(req);
    if (who === 'wrong') throw needsOperator(reply);
    try {
      const papers = ctx.db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
      if (who === 'no') return { status: 'ok' };
      const ingest = lastRunPerSource(ctx.db).map(({ source, finished, fetched, new: added, updated, rejected, error }) =>
        ({ source: publicSource(source), finished, fetched, new: added, updated, rejected, error: error === null ? null : publicText(error) }));
      const mailboxes = mailboxStatuses(ctx.db).map((m) => ({ ...m, error: m.error === null ? null : publicText(m.error) }));
      const mailboxWarnings = mailboxes.filter((m) => m.error).map((m) => `bounce mailbox ${m.mailbox}: the last pass failed at ${m.failedAt}: ${m.error}`);
      // Warnings do not make the answer fail: a feed or mailbox outage is no reason to restart the service.
      const relay = relayRefusal(ctx.db);
      const outbox = outboxWarning(ctx.config);
      const warnings = [...(outbox ? [outbox] : []), ...ingestWarnings(ctx.db).map(publicText), ...mailboxWarnings, ...(relay ? [relayWarning(relay)] : [])];
      return { status: 'ok', papers, ingest, bounceMailboxes: mailboxes, warnings };
    } catch {
      return reply.status(503).send({ error: { code: 'database_unavailable', message: 'The database does not answer' } });
    }
  });
};
