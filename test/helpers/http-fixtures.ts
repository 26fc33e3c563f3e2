import { emailHash } from '../../src/store/address-guard.js';
import { getRequest } from '../../src/store/requests.js';
import { confirmSignUp, findByEmail, signUp, type SignUp, type SubscriberRecord } from '../../src/store/subscribers.js';
import type { TestPaperboy } from './app.js';

/** Form headers as a same-origin browser sends them. */
export const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', origin: 'http://paperboy.test' };

/** A confirmed subscriber made through the store (the sign-up path has its own tests); its confirmation mail is dropped with the request. */
export function activeSubscriber(pb: TestPaperboy, email: string, over: Partial<SignUp> = {}): SubscriberRecord {
  const known = findByEmail(pb.ctx.db, email);
  if (known?.status === 'active') return known;
  const { requestId } = signUp(pb.ctx.db, {
    email, keywords: ['counterfactual'], categories: [], authors: [], about: '', papers: [], timezone: 'UTC', hour: 0,
    frequency: 'daily', weekday: 1, ...over,
  });
  const request = getRequest(pb.ctx.db, requestId)!;
  return confirmSignUp(pb.ctx.db, { ...request, asked: request.asked! }, emailHash(pb.ctx.secret, email));
}

/** The path part of one of a subscriber's links. */
export function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** Every row of every table, to compare the database before and after something that must change nothing. */
export function dumpDb(pb: TestPaperboy): string {
  // Ordinary tables only: the full-text index's shadow tables follow papers (and some have no rowid).
  const tables = pb.ctx.db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return JSON.stringify(tables.map((t) => [t, pb.ctx.db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
}

/** Encodes a form body. */
export function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) p.append(k, x);
  return p.toString();
}
