import { describe, it, expect, beforeEach } from 'vitest';
import { openDb, type Db } from '../../src/db/open.js';
import { migrate } from '../../src/db/migrate.js';
import { upsertPapers } from '../../src/store/papers.js';
import { recordVote, undoVote, votesOf } from '../../src/store/votes.js';
import { getSubscriber } from '../../src/store/subscribers.js';
import { rankingInputs } from '../../src/digest/choose.js';
import { paper, profile } from '../helpers/rank-factories.js';

let db: Db;
const sent = paper({ id: '2605.00001', title: 'Sent paper' });
const other = paper({ id: '2605.00002', title: 'Never sent' });

beforeEach(() => {
  db = openDb(':memory:');
  migrate(db);
  upsertPapers(db, [sent, other]);
  const now = '2026-05-20T08:00:00Z';
  db.prepare(`INSERT INTO subscribers (id, email, status, created_at) VALUES (1, 'a@example.org', 'active', ?), (2, 'b@example.org', 'active', ?)`).run(now, now);
  db.prepare(`INSERT INTO digests (id, subscriber_id, digest_date, state, created_at) VALUES (1, 1, '2026-05-20', 'sent', ?)`).run(now);
  db.prepare(`INSERT INTO digest_items (digest_id, subscriber_id, paper_id, position, score) VALUES (1, 1, ?, 0, 1)`).run(sent.id);
});

describe('votes store', () => {
  it('records a vote on a sent paper, replaces it on a second click, and undoes it', () => {
    expect(recordVote(db, 1, sent.id, 1)).toBe('recorded');
    expect(recordVote(db, 1, sent.id, -1)).toBe('recorded');
    expect(votesOf(db, 1, 200)).toEqual([{ paperId: sent.id, vote: -1 }]);
    expect(undoVote(db, 1, sent.id)).toBe(true);
    expect(votesOf(db, 1, 200)).toEqual([]);
    expect(undoVote(db, 1, sent.id)).toBe(false);
  });

  it('refuses votes on papers never sent to that subscriber, and on unknown papers', () => {
    expect(recordVote(db, 1, other.id, 1)).toBe('not-sent');
    expect(recordVote(db, 2, sent.id, 1)).toBe('not-sent');
    expect(recordVote(db, 1, '9999.99999', 1)).toBe('not-sent');
    expect(db.prepare('SELECT count(*) FROM votes').pluck().get()).toBe(0);
  });

  it('gathers what rank() needs: votes and the known papers (unknown seeds skipped)', () => {
    recordVote(db, 1, sent.id, 1);
    const inputs = rankingInputs(db, 1, profile({ papers: [other.id, '2601.99999'] }));
    expect(inputs.profile.votes).toEqual([{ paperId: sent.id, vote: 1 }]);
    expect([...inputs.known.keys()].sort()).toEqual([sent.id, other.id]);
  });

  it('stores digest size and weak-day choice within limits', () => {
    expect(getSubscriber(db, 1)).toMatchObject({ digestSize: 10, weakDay: 'skip' });
    expect(() => db.prepare('UPDATE subscribers SET digest_size = 500 WHERE id = 1').run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE subscribers SET weak_day = 'maybe' WHERE id = 1").run()).toThrow(/CHECK/);
  });
});
