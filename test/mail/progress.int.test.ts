import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../src/mail/sender.js';
import { startWithSmtp, type TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { addSubscribers } from '../helpers/subscribers.js';

// `paperboy digest` draws a progress bar from these calls on a terminal.
describe('delivery progress', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let close: () => Promise<void>;
  beforeAll(async () => { ({ pb, smtp, close } = await startWithSmtp({ papers: true })); });
  afterAll(() => close());

  it('reports each active subscriber checked, out of all active ones, with the counts so far', async () => {
    addSubscribers(pb.ctx.db, 4, { hour: 6, keywords: ['diffusion'] });
    pb.ctx.db.prepare("UPDATE subscribers SET status = 'unsubscribed' WHERE id = 4").run();
    const now = new Date();
    now.setUTCHours(7);
    const calls: [number, number, number][] = [];
    const r = await deliver(pb.ctx, now, { onProgress: (checked, total, report) => calls.push([checked, total, report.due]) });
    expect(calls.map(([checked, total]) => [checked, total])).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(calls.at(-1)![2]).toBe(3);
    expect(r).toMatchObject({ due: 3, sent: 3 });
    await smtp.waitFor(3);
  });
});
