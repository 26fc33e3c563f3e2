import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/open.js';
import { eventCounts, mailboxStatuses } from '../store/mail-events.js';
import { needsOperator, type OperatorCheck } from './operator.js';

/** SMTP reply classes: 2xx accepted, 4xx deferred, 5xx rejected, "other" for errors with no reply code (and outbox files). */
export function smtpClass(response: string | null): string {
  const m = /^\s*([245])\d\d\b/.exec(response ?? '');
  return m ? `${m[1]}xx` : 'other';
}

/** True when the database has a table of that name (ingest_runs arrives with another migration). */
function hasTable(db: Db, name: string): boolean {
  // sqlite_master lists every table.
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) === 1;
}

/** Sets a labelled gauge from `SELECT label, count` rows, zeroing labels that vanished. */
function setCounts(g: Gauge<string>, label: string, rows: { k: string | null; n: number }[]): void {
  g.reset();
  for (const r of rows) g.set({ [label]: r.k ?? 'unknown' }, r.n);
}

/** A registry whose gauges read the database at scrape time, plus the HTTP latency histogram. */
export function makeMetrics(db: Db): { registry: Registry; httpDuration: Histogram<string> } {
  const registry = new Registry();
  const gauge = (name: string, help: string, label: string, sql: string) => new Gauge({
    name, help, labelNames: [label], registers: [registry],
    collect() { setCounts(this, label, db.prepare(sql).all() as { k: string; n: number }[]); },
  });
  // Subscribers per lifecycle state.
  gauge('paperboy_subscribers', 'Subscribers by status', 'status', 'SELECT status AS k, count(*) AS n FROM subscribers GROUP BY status');
  // Digests per state (sending, sent, failed, empty).
  gauge('paperboy_digests', 'Digests by state', 'state', 'SELECT state AS k, count(*) AS n FROM digests GROUP BY state');
  new Gauge({
    name: 'paperboy_smtp_replies', help: 'Digests by class of the recorded SMTP reply', labelNames: ['class'], registers: [registry],
    collect() {
      // Every recorded reply; classified in code because replies are free text.
      const counts = new Map<string, number>();
      for (const r of db.prepare('SELECT smtp_response FROM digests WHERE smtp_response IS NOT NULL').pluck().all() as string[]) {
        counts.set(smtpClass(r), (counts.get(smtpClass(r)) ?? 0) + 1);
      }
      setCounts(this, 'class', [...counts].map(([k, n]) => ({ k, n })));
    },
  });
  new Gauge({
    name: 'paperboy_mail_events', help: 'Bounces and complaints that came back after hand-off, by kind (hard, soft, complaint) and source',
    labelNames: ['kind', 'source'], registers: [registry],
    collect() {
      this.reset();
      for (const r of eventCounts(db)) this.set({ kind: r.kind, source: r.source }, r.n);
    },
  });
  new Gauge({
    name: 'paperboy_bounce_mailbox_messages', help: 'Mail read from the bounce mailbox: handled (moved or deleted), unknown and malformed (left there)',
    labelNames: ['outcome'], registers: [registry],
    collect() {
      const boxes = mailboxStatuses(db);
      const sum = (k: 'handled' | 'unknown' | 'malformed') => boxes.reduce((n, b) => n + b[k], 0);
      setCounts(this, 'outcome', [{ k: 'handled', n: sum('handled') }, { k: 'unknown', n: sum('unknown') }, { k: 'malformed', n: sum('malformed') }]);
    },
  });
  new Gauge({
    name: 'paperboy_bounce_mailbox_failing', help: '1 while the last pass over the bounce mailbox failed (server down, login refused)', registers: [registry],
    collect() { this.set(mailboxStatuses(db).some((b) => b.error !== null) ? 1 : 0); },
  });
  new Gauge({
    name: 'paperboy_ingest_runs', help: 'Ingest runs by outcome (running, ok, failed)', labelNames: ['outcome'], registers: [registry],
    collect() {
      if (!hasTable(db, 'ingest_runs')) return setCounts(this, 'outcome', []);
      // Outcome of each run: unfinished, failed as a whole, or finished.
      setCounts(this, 'outcome', db.prepare(`
        SELECT CASE WHEN error IS NOT NULL THEN 'failed' WHEN finished IS NULL THEN 'running' ELSE 'ok' END AS k, count(*) AS n
        FROM ingest_runs GROUP BY k`).all() as { k: string; n: number }[]);
    },
  });
  const httpDuration = new Histogram({
    name: 'paperboy_http_request_duration_seconds', help: 'HTTP request latency by route, method and status class',
    labelNames: ['route', 'method', 'status'], registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  return { registry, httpDuration };
}

/**
 * Times every request into the histogram (labelled by route pattern, never the URL: URLs carry tokens) and serves
 * GET /metrics to the operator only: its counts move with each sign-up, so they would tell strangers who is subscribed.
 */
export function registerMetrics(app: FastifyInstance, db: Db, isOperator: OperatorCheck): void {
  const { registry, httpDuration } = makeMetrics(db);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ route, method: req.method, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { summary: 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN>)', tags: ['operations'] } }, async (req, reply) => {
    if (isOperator(req) !== 'yes') throw needsOperator(reply);
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
