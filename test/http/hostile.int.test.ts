import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { ingestListingFile } from '../helpers/papers.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { activeSubscriber, dumpDb, form, pathOf } from '../helpers/http-fixtures.js';

// A catalogue of hostile inputs sent to every route: each must get a 4xx saying what is wrong,
// never a 5xx, and the database must be byte-for-byte the same afterwards.

type Body = Record<string, string | string[] | number | object>;
interface Hostile { name: string; method: 'GET' | 'POST'; url: string; payload?: string | Buffer; type?: string; status: number; says: RegExp }

const EMAIL = 'victim@example.org';
const METRICS_TOKEN = 'operator-token-0123456789abcdef';
const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const TEN_MB = Buffer.alloc(10 * 1024 * 1024, 'a');

/** Fields that must be refused on the sign-up routes, with what the API's answer and the form page must say. */
const SIGNUP_FIELDS: [string, Body, RegExp, RegExp][] = [
  ['CRLF in the email', { email: `${EMAIL}\r\nBcc: all@example.org` }, /email/, /Email must not contain spaces/],
  ['CRLF in the timezone', { email: EMAIL, timezone: 'UTC\r\nX-Injected: yes' }, /timezone/, /Choose your timezone from the list/],
  ['CRLF in a category', { email: EMAIL, categories: ['cs.CV\r\nX: y'] }, /categories/, /Categories: “X: y” is not an arXiv category/],
  ['<script> in the keywords', { email: EMAIL, keywords: ['<script>alert(1)</script>'] }, /keywords\.0: must not contain < or >/, /Topics: “<script>alert\(1\)<\/script>” must not contain < or >/],
  ['<script> in the authors', { email: EMAIL, authors: ['<img src=x onerror=alert(1)>'] }, /authors\.0: must not contain < or >/, /Authors you follow: “<img src=x onerror=alert\(1\)>” must not contain < or >/],
  ['<script> as the email', { email: '<script>alert(1)</script>@example.org' }, /email: is not a valid email address/, /Email is not a valid email address/],
  ['SQL in the email', { email: "x'; DROP TABLE subscribers; --@example.org" }, /email: must not contain spaces/, /Email must not contain spaces/],
  ['SQL without spaces in the email', { email: "x'OR'1'='1'--@example.org" }, /email: is not a valid email address/, /Email is not a valid email address/],
  ['SQL in the hour', { email: EMAIL, hour: '8; DROP TABLE subscribers' }, /hour/, /Choose a delivery time from the list/],
  ['SQL in a category', { email: EMAIL, categories: ["cs.CV' OR '1'='1"] }, /categories\.0: is not an arXiv category/, /Categories: “cs.CV' OR '1'='1” is not an arXiv category/],
  ['SQL in a seed paper', { email: EMAIL, papers: ['1 UNION SELECT email FROM subscribers'] }, /papers\.0: is not an arXiv id/, /Papers you liked: “1 UNION SELECT email FROM subscribers” is not an arXiv id or link/],
  ['a unicode local part', { email: 'josé@example.org' }, /email: must be plain ASCII/, /Email must be plain ASCII/],
  ['an IDN domain in unicode', { email: 'user@bücher.example' }, /email: must be plain ASCII/, /Email must be plain ASCII/],
  ['a zero-width space in the email', { email: 'vic\u200btim@example.org' }, /email: must be plain ASCII/, /Email must be plain ASCII/],
  ['a right-to-left override in the email', { email: 'vic\u202etim@example.org' }, /email: must be plain ASCII/, /Email must be plain ASCII/],
  ['an email of 300 characters', { email: `${'a'.repeat(290)}@example.org` }, /email: is too long/, /Email is too long/],
  ['an unknown field', { email: EMAIL, isAdmin: 'true' }, /Unknown field: isAdmin/, /Unknown field: isAdmin/],
];

/** Fields that must be refused by the preferences form (which answers with the form again, saying what to fix). */
const PREFERENCE_FIELDS: [string, Body, RegExp][] = [
  ['CRLF in the timezone', { timezone: 'UTC\r\nSet-Cookie: x=y' }, /Choose your timezone from the list/],
  ['<script> in the keywords', { keywords: '<script>alert(1)</script>' }, /Topics: “<script>alert\(1\)<\/script>” must not contain < or >/],
  ['SQL in the digest size', { digestSize: '10 OR 1=1' }, /Choose a number from 1 to 50/],
  ['SQL in the pause date', { pausedUntil: "2026-12-01'; DELETE FROM subscribers; --" }, /Pause until must be a date/],
  ['a negative hour', { hour: '-1' }, /Choose a delivery time from the list/],
  ['an email change smuggled in', { email: 'attacker@example.org' }, /Unknown field: email/],
];

/** Forged, truncated and malformed variants of a valid token. */
function badTokens(token: string): [string, string, number][] {
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  return [
    ['a forged MAC', flipped, 404],
    ['a truncated token', token.slice(0, 20), 404],
    ['another subscriber id with this MAC', `zz${token}`, 404],
    ['an overlong token', token.repeat(3), 400],
    ['CRLF in the token', encodeURIComponent(`${token}\r\nX: y`), 404],
    ['SQL as the token', encodeURIComponent("1' OR '1'='1"), 404],
    ['<script> as the token', encodeURIComponent('<script>alert(1)</script>'), 404],
  ];
}

describe('hostile input on every route', () => {
  let pb: TestPaperboy;
  let app: FastifyInstance;
  let token: string;
  let paperId: string;
  const cases: Hostile[] = [];

  beforeAll(async () => {
    pb = await startPaperboy({ METRICS_TOKEN });
    // Per-IP limits raised: every case comes from 127.0.0.1, and this test is about input, not volume.
    app = await buildApp(pb.ctx, { rateLimit: { max: 100_000, timeWindowMs: 60_000 } });
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt');
    const sub = activeSubscriber(pb, EMAIL);
    token = pathOf(pb.ctx.links.preferences(sub)).split('/')[2];
    paperId = pb.ctx.db.prepare('SELECT id FROM papers LIMIT 1').pluck().get() as string;
    cases.push(...catalogue());
  });
  afterAll(async () => {
    await app.close();
    await pb.close();
  });

  function catalogue(): Hostile[] {
    const out: Hostile[] = [];
    const paper = encodeURIComponent(paperId);
    const posts: [string, string][] = [
      ['/api/subscriptions', 'json'], ['/subscribe', 'form'], [`/preferences/${token}`, 'form'], [`/preferences/${token}/delete`, 'form'],
      [`/preferences/${token}/resubscribe`, 'form'], [`/unsubscribe/${token}`, 'form'], [`/feedback/${token}/${paper}/undo`, 'form'],
    ];
    // What each form needs besides the smuggled field, so that only the unknown field is wrong.
    const required = (url: string): Record<string, string> =>
      url.includes('subscri') && !url.includes('/unsubscribe/') && !url.endsWith('/resubscribe') ? { email: EMAIL } : url.endsWith('/delete') ? { confirm: 'yes' } : {};
    for (const [url] of posts) {
      out.push({ name: `${url}: a 10 MB body`, method: 'POST', url, payload: TEN_MB, type: 'application/x-www-form-urlencoded', status: 413, says: /too large/ });
      out.push({ name: `${url}: XML`, method: 'POST', url, payload: '<xml/>', type: 'application/xml', status: 415, says: /Send JSON or a form/ });
      // The one-click unsubscribe reads multipart (RFC 8058), and so do the two forms that upload a library; there, a
      // broken one is a 400.
      out.push(url.startsWith('/unsubscribe/') || url === '/subscribe' || url === `/preferences/${token}`
        ? { name: `${url}: truncated multipart`, method: 'POST', url, payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Cl', type: 'multipart/form-data; boundary=x', status: 400, says: /Cannot read the form/ }
        : { name: `${url}: multipart`, method: 'POST', url, payload: '--x\r\n\r\n--x--', type: 'multipart/form-data; boundary=x', status: 415, says: /Send JSON or a form/ });
      if (url.startsWith('/unsubscribe/')) {
        out.push({ name: `${url}: a multipart file`, method: 'POST', url, payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"; filename="a.sh"\r\n\r\nOne-Click\r\n--x--\r\n', type: 'multipart/form-data; boundary=x', status: 400, says: /only text fields/ });
        out.push({ name: `${url}: multipart with a forged field`, method: 'POST', url, payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n<script>\r\n--x--\r\n', type: 'multipart/form-data; boundary=x', status: 400, says: /must be One-Click/ });
      }
      out.push({ name: `${url}: plain text`, method: 'POST', url, payload: 'email=x@example.org', type: 'text/plain', status: 400, says: /Send the fields as a JSON object or as a form/ });
      out.push({ name: `${url}: a JSON array`, method: 'POST', url, payload: '[1,2]', type: 'application/json', status: 400, says: /Send the fields as a JSON object or as a form/ });
      out.push({ name: `${url}: broken JSON`, method: 'POST', url, payload: '{"email":', type: 'application/json', status: 400, says: /JSON/ });
      out.push({ name: `${url}: a __proto__ key`, method: 'POST', url, payload: '{"__proto__":{"admin":true}}', type: 'application/json', status: 400, says: /not valid JSON/ });
      out.push({ name: `${url}: an unknown field`, method: 'POST', url, payload: form({ ...required(url), sneaky: '1' }), type: 'application/x-www-form-urlencoded', status: 400, says: /Unknown field: sneaky/ });
    }
    for (const [name, body, says, formSays] of SIGNUP_FIELDS) {
      out.push({ name: `/api/subscriptions: ${name}`, method: 'POST', url: '/api/subscriptions', payload: JSON.stringify(body), type: 'application/json', status: 400, says });
      out.push({ name: `/subscribe: ${name}`, method: 'POST', url: '/subscribe', payload: form(body as Record<string, string>), type: 'application/x-www-form-urlencoded', status: 400, says: formSays });
    }
    for (const [name, body, says] of PREFERENCE_FIELDS) {
      out.push({ name: `/preferences: ${name}`, method: 'POST', url: `/preferences/${token}`, payload: form(body as Record<string, string>), type: 'application/x-www-form-urlencoded', status: 400, says });
    }
    out.push({ name: 'one-click unsubscribe with a forged body', method: 'POST', url: `/unsubscribe/${token}`, payload: 'List-Unsubscribe=<script>', type: 'application/x-www-form-urlencoded', status: 400, says: /must be One-Click/ });
    out.push({ name: 'delete without ticking the box', method: 'POST', url: `/preferences/${token}/delete`, payload: 'confirm=maybe', type: 'application/x-www-form-urlencoded', status: 400, says: /tick the box/ });
    const tokenRoutes: [Hostile['method'], (t: string) => string][] = [
      ['GET', (t) => `/confirm/${t}`], ['GET', (t) => `/unsubscribe/${t}`], ['POST', (t) => `/unsubscribe/${t}`],
      ['GET', (t) => `/preferences/${t}`], ['POST', (t) => `/preferences/${t}/resubscribe`],
      ['GET', (t) => `/feedback/${t}/${paper}/up`], ['POST', (t) => `/feedback/${t}/${paper}/up`], ['POST', (t) => `/feedback/${t}/${paper}/undo`],
      ['GET', (t) => `/digests/${t}`], ['POST', (t) => `/confirm/${t}`],
      ['POST', (t) => `/unsubscribe/${t}/resubscribe`], ['POST', (t) => `/unsubscribe/${t}/preferences-link`],
    ];
    for (const [method, route] of tokenRoutes) {
      for (const [name, t, status] of badTokens(token)) {
        out.push({ name: `${method} ${route(':token')}: ${name}`, method, url: route(t), status, says: status === 404 ? /This link is not valid/ : /too long/ });
      }
    }
    out.push({ name: 'feedback on a paper id with SQL', method: 'GET', url: `/feedback/${token}/${encodeURIComponent("x' OR 1=1 --")}/up`, status: 400, says: /paper: is not a paper id/ });
    out.push({ name: 'feedback with <script> as the vote', method: 'GET', url: `/feedback/${token}/${paper}/${encodeURIComponent('<script>')}`, status: 400, says: /vote: must be up or down/ });
    out.push({ name: 'a digest token with SQL', method: 'GET', url: `/digests/${encodeURIComponent('1 OR 1=1')}`, status: 404, says: /This link is not valid/ });
    out.push({ name: 'an archive day with <script>', method: 'GET', url: `/papers/${encodeURIComponent('<script>alert(1)</script>')}`, status: 400, says: /date: must be a date/ });
    out.push({ name: 'an archive day with SQL', method: 'GET', url: `/papers/${encodeURIComponent("2026-11-29' OR '1'='1")}`, status: 400, says: /date: must be a date/ });
    out.push({ name: 'a path with CRLF', method: 'GET', url: '/%0D%0ASet-Cookie:%20x=y', status: 404, says: /Page not found/ });
    return out;
  }

  it('answers every hostile input with a 4xx that says what is wrong, and changes nothing', async () => {
    expect(cases.length).toBeGreaterThan(150);
    const before = dumpDb(pb);
    const failures: string[] = [];
    for (const c of cases) {
      const res = await app.inject({ method: c.method, url: c.url, payload: c.payload, headers: c.type ? { 'content-type': c.type } : {} });
      const text = res.headers['content-type']?.includes('json') ? res.json().error?.message ?? res.body : unescapeHtml(/<main[^>]*>([\s\S]*)<\/main>/.exec(res.body)?.[1] ?? res.body);
      if (res.statusCode !== c.status || !c.says.test(text)) failures.push(`${c.name}: ${res.statusCode} ${text.slice(0, 300)}`);
      expect(res.statusCode, c.name).toBeLessThan(500);
      if (c.url.startsWith('/api/')) expect(res.json().error.code, c.name).toMatch(/^[a-z_]+$/);
      expect(res.headers['set-cookie'], c.name).toBeUndefined();
    }
    expect(failures).toEqual([]);
    expect(dumpDb(pb)).toBe(before);
  });

  it('stores free text with markup as text and shows it escaped', async () => {
    const sub = activeSubscriber(pb, 'markup@example.org', { about: '<script>alert(1)</script> & "quotes"' });
    const res = await app.inject(pathOf(pb.ctx.links.preferences(sub)));
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(res.body).not.toContain('<script>alert(1)');
  });

  it('ignores hostile query strings on the routes that take no input, and never reflects them', async () => {
    const before = dumpDb(pb);
    const payload = `?q=${encodeURIComponent('<script>alert(1)</script>')}&email=${encodeURIComponent("x'; DROP TABLE subscribers; --")}&x=%0D%0ASet-Cookie:%20a=b`;
    for (const path of ['/', '/papers', '/healthz', '/metrics', '/docs/json', '/assets/app.css']) {
      const res = await app.inject({ url: `${path}${payload}`, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.statusCode, path).toBeLessThan(400);
      expect(res.body, path).not.toContain('<script>alert(1)');
      expect(res.body, path).not.toContain('DROP TABLE');
      expect(res.headers['set-cookie'], path).toBeUndefined();
    }
    expect(dumpDb(pb)).toBe(before);
  });
});
