// A worker thread that answers requests, with the bookkeeping every such thread needs: replies matched to their
// requests, the process kept alive only while a request is pending, everything pending failed when the thread
// dies, and, where wanted, a new thread on the next request after a death or an idle stop, a memory cap and a time
// limit that ends a thread stuck on one request.
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** What a thread's `main` sets up: `handle` answers one request (a value or a promise); `close` runs before the thread ends. */
export interface ThreadHandler {
  handle(request: never): unknown;
  close?(): void;
}

/** Options of startThread. */
export interface ThreadOptions {
  /** Runs on the thread with `workerData` and returns the handler. It is sent as source text, so it may use only its
   *  argument and `require` (CommonJS), never a variable of this module: it runs the same from dist/ and under vitest. */
  main: (workerData: never) => ThreadHandler;
  workerData?: unknown;
  /** Ends the thread after this many ms with nothing pending; the next request starts a new one. */
  idleMs?: number;
  /** After the thread dies, the next request starts a new one (default: every later request fails with the death). */
  restart?: boolean;
  /** The thread's heap and stack: past them it dies (its requests fail with code ERR_WORKER_OUT_OF_MEMORY), not the process. */
  resourceLimits?: ResourceLimits;
  /** A request not answered this many ms after the thread could take it (sent to a running thread, or the new thread
   *  finished loading `main`) ends the thread: it fails with code `timeout`, and every other request pending on that
   *  thread with ThreadStopped. Send one request at a time for a per-request limit. A thread's start is not counted:
   *  it is the same for every request, and took longer than a 150 ms test limit on a busy machine under Node 22. */
  timeoutMs?: number;
}

/** A request/reply channel to a worker thread. */
export interface WorkerThread<Req, Res> {
  /** Sends a request (handled in the order sent); settles with its reply, the handler's error, or ThreadStopped. */
  request(request: Req, transfer?: ArrayBuffer[]): Promise<Res>;
  /** Resolves when nothing is pending, counting requests sent while it waits. */
  drained(): Promise<void>;
  /** Ends the thread after the requests already sent reach it (the handler's close runs); later requests fail.
   *  Resolves once the thread has exited. */
  close(): Promise<void>;
}

/** The error of every request pending when the thread died, and of later ones when it is not restarted; `code` says
 *  why when the thread was ended for a limit (`timeout`, ERR_WORKER_OUT_OF_MEMORY). */
export class ThreadStopped extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

/** A thread's reply to request `id`: its value, or the fields of the error the handler threw; or word that `main` has loaded. */
type Reply = { id: number; value: unknown } | { id: number; error: Record<string, unknown> & { message: string } } | { ready: true };

/** The loop run on the thread around `main`'s handler (plain JavaScript, evaluated as CommonJS). */
const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const handler = (MAIN)(workerData);
parentPort.postMessage({ ready: true });
// An error crosses the thread boundary as its name, message and own plain fields (code, responseCode, …).
const fields = (err) => {
  const e = err instanceof Error ? err : new Error(String(err));
  const out = { name: e.name, message: e.message };
  for (const [k, v] of Object.entries(e)) if (v === null || (typeof v !== 'object' && typeof v !== 'function')) out[k] = v;
  return out;
};
parentPort.on('message', (m) => {
  if (m === 'close') { try { handler.close?.(); } finally { parentPort.close(); } return; }
  let reply;
  try { reply = handler.handle(m.request); } catch (err) { parentPort.postMessage({ id: m.id, error: fields(err) }); return; }
  if (typeof reply?.then !== 'function') return parentPort.postMessage({ id: m.id, value: reply });
  reply.then((value) => parentPort.postMessage({ id: m.id, value }), (err) => parentPort.postMessage({ id: m.id, error: fields(err) }));
});`;

/** How a pending request is settled, and its time limit's timer. */
type Pending = { ok: (v: unknown) => void; fail: (e: Error) => void; timer?: NodeJS.Timeout };

/** One running thread, the requests it has not answered, and whether it has loaded `main` (time limits run from then). */
interface Generation {
  worker: Worker;
  pending: Map<number, Pending>;
  ready: boolean;
}

/** Starts a thread running `opts.main` (the first one at the first request). */
export function startThread<Req, Res>(opts: ThreadOptions): WorkerThread<Req, Res> {
  const source = LOOP.replace('MAIN', () => opts.main.toString());
  const inFlight = new Set<Promise<unknown>>();
  let current: Generation | undefined;
  let stopped: Error | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 0;

  const spawn = (): Generation => {
    const g: Generation = { worker: new Worker(source, { eval: true, workerData: opts.workerData, resourceLimits: opts.resourceLimits }), pending: new Map(), ready: false };
    let crash: (Error & { code?: string }) | undefined;
    g.worker.on('message', (r: Reply) => {
      if ('ready' in r) {
        g.ready = true;
        for (const [id, p] of g.pending) startClock(g, id, p);
        return;
      }
      settle(g, r.id, (p) => ('error' in r ? p.fail(Object.assign(new Error(r.error.message), r.error)) : p.ok(r.value)));
    });
    g.worker.on('error', (err) => {
      crash = err;
      if (!opts.restart && current === g) stopped ??= new ThreadStopped(err.message, crash.code);
    });
    g.worker.on('exit', (code) => {
      const why = new ThreadStopped(crash?.message ?? `the thread exited with code ${code}`, crash?.code);
      // A thread that ended by itself or crashed (not one retired when idle) is replaced only when restart allows.
      if (current === g) {
        current = undefined;
        if (!opts.restart) stopped ??= why;
      }
      for (const id of [...g.pending.keys()]) settle(g, id, (p) => p.fail(why));
    });
    return g;
  };

  /** Settles request `id` of generation `g`; a thread left with nothing pending no longer keeps the process alive. */
  const settle = (g: Generation, id: number, fn: (p: Pending) => void) => {
    const p = g.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    g.pending.delete(id);
    if (g.pending.size === 0) {
      g.worker.unref();
      clearTimeout(idle);
      if (opts.idleMs !== undefined && g === current) idle = setTimeout(() => retire(g), opts.idleMs).unref();
    }
    fn(p);
  };

  /** Ends a thread that did not answer request `id` in time: the request fails with code `timeout`, the others
   *  pending on it when the thread exits; the next request starts a new thread (with `restart`). */
  const expire = (g: Generation, id: number) => {
    settle(g, id, (p) => p.fail(new ThreadStopped(`no answer within ${opts.timeoutMs} ms`, 'timeout')));
    if (current === g) current = undefined;
    if (!opts.restart) stopped ??= new ThreadStopped(`the thread was ended after ${opts.timeoutMs} ms without an answer`, 'timeout');
    void g.worker.terminate();
  };

  /** Starts request `id`'s time limit, if there is one. */
  const startClock = (g: Generation, id: number, p: Pending) => {
    if (opts.timeoutMs !== undefined) p.timer = setTimeout(() => expire(g, id), opts.timeoutMs);
  };

  /** Ends an idle thread; the next request starts a new one. */
  const retire = (g: Generation) => {
    if (g !== current || g.pending.size > 0) return;
    current = undefined;
    g.worker.postMessage('close');
  };

  return {
    request(request, transfer = []) {
      const done = new Promise<Res>((ok, fail) => {
        if (stopped) return fail(stopped);
        clearTimeout(idle);
        const g = (current ??= spawn());
        const id = nextId++;
        const pending: Pending = { ok: ok as (v: unknown) => void, fail };
        g.pending.set(id, pending);
        if (g.ready) startClock(g, id, pending);
        g.worker.ref();
        try {
          g.worker.postMessage({ id, request }, transfer);
        } catch (err) {
          settle(g, id, (p) => p.fail(err as Error)); // a request that cannot be cloned never reaches the thread
        }
      });
      const tracked = done.catch(() => undefined).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      return done;
    },
    async drained() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close() {
      stopped ??= new ThreadStopped('the thread was closed');
      clearTimeout(idle);
      const worker = current?.worker;
      if (!worker) return Promise.resolve();
      const exited = new Promise<void>((ok) => worker.once('exit', () => ok()));
      // An idle thread no longer holds the process open: while its end is awaited it must, or a process with nothing
      // else to do exits before the thread does and the await never returns (eval:rank stopped that way mid-run).
      worker.ref();
      worker.postMessage('close');
      return exited;
    },
  };
}
