// The contract of the one worker-thread helper that the SMTP thread and the background SQL thread share:
// requests handled in order with each reply matched to its request, a handler's error carried back with its
// fields, a crash failing everything pending, a new thread on demand only where asked for, idle threads
// ended, and the process kept alive exactly while a request is pending.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { startThread, ThreadStopped } from '../src/worker-thread.js';

/** A thread that keeps a log of what it was sent. Requests: a number (answered after that many ms with the log as
 *  it was when the request was handled), 'fail' (throws an SMTP-like error), 'hang' (never answered), 'crash' (kills the thread, unanswered),
 *  'id' (the thread's id), 'hog' (allocates without end); anything else is answered with the log. On close it writes `closedFile`, if given. */
function testMain(data?: { closedFile?: string }) {
  const { threadId } = require('node:worker_threads');
  const log: unknown[] = [];
  return {
    handle(req: number | string) {
      log.push(req);
      if (req === 'fail') throw Object.assign(new Error('mailbox unavailable'), { responseCode: 550, command: 'RCPT TO' });
      if (req === 'hang') return new Promise(() => undefined);
      if (req === 'hog') {
        const hoard: string[][] = [];
        for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `${i}`));
      }
      if (req === 'crash') {
        setImmediate(() => { throw new Error('boom'); });
        return new Promise(() => undefined);
      }
      if (req === 'id') return threadId;
      const seen = [...log];
      if (typeof req === 'number') return new Promise((ok) => setTimeout(() => ok(seen), req));
      return seen;
    },
    close() {
      if (data?.closedFile) require('node:fs').writeFileSync(data.closedFile, 'closed');
    },
  };
}

describe('startThread', () => {
  it('hands requests over in the order sent and matches each reply to its request, even when they finish out of order', async () => {
    const t = startThread<number, number[]>({ main: testMain });
    const replies = await Promise.all([30, 0, 20, 0, 10].map((ms) => t.request(ms)));
    // Each reply is the log as that request saw it: handled in order, whatever order the replies came back in.
    expect(replies).toEqual([[30], [30, 0], [30, 0, 20], [30, 0, 20, 0], [30, 0, 20, 0, 10]]);
    t.close();
  });

  it('fails only the request whose handler threw, with the error\'s message and fields', async () => {
    const t = startThread<number | string, unknown>({ main: testMain });
    const [a, b, c] = await Promise.allSettled([t.request(0), t.request('fail'), t.request(0)]);
    expect(a).toMatchObject({ status: 'fulfilled', value: [0] });
    expect(b).toMatchObject({ status: 'rejected', reason: { message: 'mailbox unavailable', responseCode: 550, command: 'RCPT TO' } });
    expect(c).toMatchObject({ status: 'fulfilled', value: [0, 'fail', 0] });
    t.close();
  });

  it('a request that cannot cross to the thread fails alone and leaves nothing pending', async () => {
    const t = startThread<unknown, unknown>({ main: testMain });
    await expect(t.request(() => 1)).rejects.toThrow(/could not be cloned/);
    await t.drained();
    expect(await t.request('log')).toEqual(['log']);
    t.close();
  });

  it('a crash fails every pending request; without restart later ones fail at once, with the reason', async () => {
    const t = startThread<string, unknown>({ main: testMain });
    const pending = [t.request('hang'), t.request('hang'), t.request('crash')];
    const settled = await Promise.allSettled(pending);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(ThreadStopped);
      expect((s as PromiseRejectedResult).reason.message).toBe('boom');
    }
    await expect(t.request('id')).rejects.toThrow('boom');
  });

  it('with restart, the next request after a crash starts a new thread', async () => {
    const t = startThread<string, unknown>({ main: testMain, restart: true });
    const first = await t.request('id');
    await expect(t.request('crash')).rejects.toBeInstanceOf(ThreadStopped);
    const second = await t.request('id');
    expect(second).not.toBe(first);
    expect(await t.request('log')).toEqual(['id', 'log']); // a fresh thread: its log starts empty
    t.close();
  });

  it('ends a thread idle for idleMs and starts a new one on the next request; work keeps it alive', async () => {
    const t = startThread<string | number, unknown>({ main: testMain, idleMs: 50, restart: true });
    const first = await t.request('id');
    await t.request(120); // pending for longer than idleMs: not ended meanwhile
    expect(await t.request('id')).toBe(first);
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.request('id')).not.toBe(first);
    t.close();
  });

  it('drained() waits for every pending request, including those sent while it waits', async () => {
    const t = startThread<number, number[]>({ main: testMain });
    const order: string[] = [];
    void t.request(40).then(() => { order.push('first'); void t.request(40).then(() => order.push('second')); });
    await t.drained();
    expect(order).toEqual(['first', 'second']);
    t.close();
  });

  it('ends a thread that does not answer in time: that request fails with code timeout, the next gets a new thread', async () => {
    const t = startThread<string, unknown>({ main: testMain, restart: true, timeoutMs: 200 });
    const first = await t.request('id');
    await expect(t.request('hang')).rejects.toMatchObject({ code: 'timeout', message: 'no answer within 200 ms' });
    expect(await t.request('id')).not.toBe(first);
    t.close();
  });

  it('counts a request\'s time from when the thread has loaded, not its start (issue 22: Node 22 under load)', async () => {
    // A main that takes 400 ms to load (busy, as a slow require is), with a 100 ms limit per request.
    const slowStart = () => {
      const until = Date.now() + 400;
      while (Date.now() < until);
      return { handle: (req: string) => req };
    };
    const t = startThread<string, unknown>({ main: slowStart, restart: true, timeoutMs: 100 });
    expect(await t.request('answered')).toBe('answered');
    await t.close();
  });

  it('a thread past its memory limit dies alone: its request fails with ERR_WORKER_OUT_OF_MEMORY, the process lives on', async () => {
    const t = startThread<string, unknown>({ main: testMain, restart: true, resourceLimits: { maxOldGenerationSizeMb: 16 } });
    await expect(t.request('hog')).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(await t.request('ok')).toEqual(['ok']);
    t.close();
  });

  it('close() runs the handler\'s close and fails later requests', async () => {
    const closedFile = join(mkdtempSync(join(tmpdir(), 'paperboy-thread-')), 'closed');
    const t = startThread<string, unknown>({ main: testMain, workerData: { closedFile } });
    await t.request('id');
    t.close();
    await expect(t.request('id')).rejects.toThrow('the thread was closed');
    await vi.waitFor(() => expect(existsSync(closedFile)).toBe(true), { timeout: 5000 });
  });

  it('keeps the process alive while a request is pending, and not once it is answered', () => {
    // A separate process over the compiled helper (npm test compiles first): it must print the reply, then exit
    // by itself although the thread was never closed.
    const helper = fileURLToPath(new URL('../dist/worker-thread.js', import.meta.url));
    const script = join(mkdtempSync(join(tmpdir(), 'paperboy-thread-')), 'pending.mjs');
    writeFileSync(script, `
      import { startThread } from ${JSON.stringify(helper)};
      const t = startThread({ main: () => ({ handle: (ms) => new Promise((ok) => setTimeout(() => ok('answered after ' + ms + ' ms'), ms)) }) });
      t.request(300).then(console.log);`);
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 10_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('answered after 300 ms');
    expect(child.status).toBe(0); // not killed by the timeout: the idle thread did not hold the process
  });

  it('keeps the process alive while a close is awaited, until the thread has ended', () => {
    // The thread is idle (unreferenced) when closed: a process with nothing else to do must still see close() return.
    const helper = fileURLToPath(new URL('../dist/worker-thread.js', import.meta.url));
    const script = join(mkdtempSync(join(tmpdir(), 'paperboy-thread-')), 'close.mjs');
    writeFileSync(script, `
      import { startThread } from ${JSON.stringify(helper)};
      const t = startThread({ main: () => ({ handle: () => 'ok' }) });
      await t.request(1);
      await t.close();
      console.log('closed');`);
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 10_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  });
});
