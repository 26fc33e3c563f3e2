// Reads a source — a local file (optionally .gz) or an http(s) URL — as text, within a size cap.
// URLs get conditional GET, a timeout, a User-Agent, bounded retries with backoff and arXiv's rate limit.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Validators } from '../store/source-cache.js';
import { hostLimiter, type Limiter } from './rate-limit.js';

/** How to fetch; every field has a default in DEFAULT_FETCH. */
export interface FetchOptions {
  userAgent: string;
  timeoutMs: number;
  /** Further attempts after the first, for network errors, timeouts, 429 and 5xx. */
  retries: number;
  /** Wait before the first retry; doubles each time. */
  backoffMs: number;
  maxBytes: number;
  limiter: Limiter;
  /** Validators of the last good fetch, sent for a conditional GET. */
  validators?: Validators | null;
}

/** Defaults: 30 s timeout, 2 retries from 1 s backoff, 50 MB cap, the shared per-host limiters (arXiv, bioRxiv). */
export const DEFAULT_FETCH: FetchOptions = {
  userAgent: 'Paperboy/0.1', timeoutMs: 30_000, retries: 2, backoffMs: 1000, maxBytes: 50 * 1024 * 1024, limiter: hostLimiter,
};

/** A fetched source: its text, or word that it has not changed since the validators were issued. */
export type Fetched =
  | { notModified: false; text: string; name: string; bytes: number; validators: Validators }
  | { notModified: true; name: string };

/** A failed fetch; `status` is the HTTP status when there was one, `body` the start of an error body. */
export class FetchError extends Error {
  /** How long the server asked us to wait (Retry-After), if it did. */
  retryAfterMs?: number;

  constructor(message: string, readonly retryable: boolean, readonly status?: number, readonly body?: string) {
    super(message);
  }
}

const MAX_RETRY_AFTER_MS = 60_000;

/** A Retry-After header (seconds or an HTTP date) in milliseconds from now, capped at a minute. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** The User-Agent Paperboy sends, naming the instance so feed operators can reach its owner. */
export function userAgent(publicUrl: string): string {
  return `Paperboy/0.1 (+${publicUrl})`;
}

/** Size in MB for messages. */
const mb = (n: number): string => `${Math.round(n / 1024 / 1024)} MB`;

/** Reads a stream of byte chunks as UTF-8 text, refusing to hold more than `maxBytes`. */
async function readCapped(chunks: AsyncIterable<Uint8Array>, maxBytes: number, what: string, stop: () => void): Promise<{ text: string; bytes: number }> {
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      stop();
      throw new FetchError(`${what} is larger than the ${mb(maxBytes)} limit; refused`, false);
    }
    parts.push(chunk);
  }
  return { text: Buffer.concat(parts).toString('utf8'), bytes };
}

/** Reads a local file (gunzipping `.gz`), streamed so an oversized file is refused without being read whole. */
export async function readFileSource(path: string, maxBytes: number): Promise<Fetched> {
  const raw = createReadStream(path);
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (err) => stream.destroy(err));
  try {
    const { text, bytes } = await readCapped(stream, maxBytes, path, () => raw.destroy());
    return { notModified: false, text, bytes, name: basename(path), validators: { etag: null, lastModified: null } };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(`cannot read ${path}: ${(err as Error).message}`, false);
  }
}

/** True for HTTP statuses worth another try. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** One GET of `url`; throws FetchError. */
async function getOnce(url: string, o: FetchOptions): Promise<Fetched> {
  const headers: Record<string, string> = { 'user-agent': o.userAgent, accept: 'application/atom+xml, application/rss+xml, application/json, text/plain;q=0.9, */*;q=0.5' };
  if (o.validators?.etag) headers['if-none-match'] = o.validators.etag;
  if (o.validators?.lastModified) headers['if-modified-since'] = o.validators.lastModified;
  await o.limiter.wait(url);
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(o.timeoutMs) });
  const name = basename(new URL(url).pathname);
  if (res.status === 304) return { notModified: true, name };
  if (!res.ok || !res.body) {
    const body = res.body ? await readCapped(res.body, 1 << 20, url, () => undefined).then((b) => b.text, () => '') : '';
    const err = new FetchError(`HTTP ${res.status} ${res.statusText} from ${url}`, retryableStatus(res.status), res.status, body.slice(0, 65536));
    err.retryAfterMs = retryAfterMs(res.headers.get('retry-after'));
    throw err;
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > o.maxBytes) {
    await res.body.cancel();
    throw new FetchError(`${url} is larger than the ${mb(o.maxBytes)} limit (Content-Length ${declared}); refused`, false);
  }
  const { text, bytes } = await readCapped(res.body, o.maxBytes, url, () => void res.body?.cancel().catch(() => undefined));
  return { notModified: false, text, bytes, name, validators: { etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') } };
}

/** Turns what fetch threw into a FetchError that says what happened. */
function explain(err: unknown, url: string, o: FetchOptions): FetchError {
  if (err instanceof FetchError) return err;
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new FetchError(`no complete answer from ${url} within ${o.timeoutMs / 1000} s`, true);
  const cause = e.cause?.code ?? e.cause?.message;
  return new FetchError(`cannot fetch ${url}: ${e.message}${cause ? ` (${cause})` : ''}`, true);
}

/** GETs `url` with retries and exponential backoff; the last error says how many attempts were made. */
export async function fetchUrl(url: string, options: Partial<FetchOptions> = {}): Promise<Fetched> {
  const o = { ...DEFAULT_FETCH, ...options };
  for (let attempt = 0; ; attempt++) {
    try {
      return await getOnce(url, o);
    } catch (err) {
      const e = explain(err, url, o);
      if (!e.retryable || attempt >= o.retries) {
        if (attempt > 0) e.message += ` (after ${attempt + 1} attempts)`;
        throw e;
      }
      // Back off exponentially, or longer when the server said how long (429/503 with Retry-After).
      await new Promise((r) => setTimeout(r, Math.max(o.backoffMs * 2 ** attempt, e.retryAfterMs ?? 0)));
    }
  }
}

/** True when a source names an http(s) URL rather than a file. */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Fetches a file or URL source as text. */
export function fetchSource(source: string, options: Partial<FetchOptions> = {}): Promise<Fetched> {
  return isUrl(source) ? fetchUrl(source, options) : readFileSource(source, options.maxBytes ?? DEFAULT_FETCH.maxBytes);
}
