import Handlebars from 'handlebars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentZoneName } from '../../src/timezones.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { ingestListingFile } from '../helpers/papers.js';
import { startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { activeSubscriber, dumpDb, form, FORM, pathOf } from '../helpers/http-fixtures.js';

// The sign-up and preferences forms: a refused form comes back with everything typed and each error beside its
// field in plain words; a form that did its work redirects (Post/Redirect/Get), so reloading sends nothing again.
describe('forms that keep what you typed', () => {
  let pb: TestPaperboy;
  const requests = () => pb.ctx.db.prepare('SELECT count(*) FROM signup_requests').pluck().get() as number;
  const errorOf = (html: string, field: string) => new RegExp(`<p class="field-error" id="${field}-error">([^<]*)</p>`).exec(html)?.[1];

  beforeAll(async () => {
    pb = await startPaperboy({ ALLOWED_EMAIL_DOMAINS: 'example.org' }, { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
    ingestListingFile(pb.ctx.db, 'test/fixtures/hf-papers-page.txt');
    pb.ctx.db.prepare(`UPDATE papers SET categories = '["cs.CV","eess.IV","cs.XY"]' WHERE rowid % 2 = 0`).run();
  });
  afterAll(() => pb.close());

  it('gives a refused sign-up back whole: every value, the errors beside their fields and listed above, nothing stored', async () => {
    const before = dumpDb(pb);
    const res = await pb.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: form({
      email: 'ada at example.org', keywords: 'diffusion, "quoted" <b>', categories: ['cs.CV', 'eess.IV'], authors: 'Ada Lovelace',
      about: 'I study <images> & "light"', papers: '2404.12345, https://arxiv.org/abs/2401.04088, my favourite paper',
      hour: '7', timezone: 'Asia/Tokyo', frequency: 'weekly', weekday: '3',
    }) });
    expect(res.statusCode).toBe(400);
    expect(dumpDb(pb)).toBe(before);
    const html = res.body;
    expect(html).toContain('<title>Sign up: check the form · Paperboy</title>');
    expect(errorOf(html, 'email')).toBe('Email must not contain spaces.');
    expect(errorOf(html, 'keywords')).toBe('Topics: “&quot;quoted&quot; &lt;b&gt;” must not contain &lt; or &gt;.');
    expect(errorOf(html, 'papers')).toBe('Papers you liked: “my favourite paper” is not an arXiv id or link, such as 2406.01234 or https://arxiv.org/abs/2406.01234.');
    expect(html).toMatch(/<input type="email" id="email" name="email" value="ada at example.org"[^>]* aria-invalid="true" aria-describedby="email-error">/);
    expect(html).toContain('value="diffusion, &quot;quoted&quot; &lt;b&gt;"');
    expect(html).toContain('value="Ada Lovelace"');
    expect(html).toContain('>I study &lt;images&gt; &amp; &quot;light&quot;</textarea>');
    expect(html).toContain('value="2404.12345, https://arxiv.org/abs/2401.04088, my favourite paper"');
    expect(html).toMatch(/value="cs\.CV" checked/);
    expect(html).toMatch(/value="eess\.IV" checked/);
    expect(html).toContain('<option value="7" selected>07:00</option>');
    expect(html).toContain('<option value="Asia/Tokyo" selected>Tokyo</option>');
    expect(html).toContain('<input type="radio" name="frequency" value="weekly" checked>');
    expect(html).toContain('<option value="3" selected>Wednesday</option>');
    expect(html).toContain('<details class="more" open>'); // the optional part is shown: it holds what was typed
    expect(html).not.toContain('data-autotz'); // the script must not replace the zone that was chosen
    expect([...html.matchAll(/<li><a href="#(\w+)">/g)].map((m) => m[1])).toEqual(['email', 'keywords', 'papers']);
    // No internal field names anywhere a person reads.
    const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)![1].replace(/<[^>]+>/g, ' ');
    for (const internal of ['papers.2', 'keywords.1', 'digestSize', 'IANA']) expect(main).not.toContain(internal);
  });

  it('shows an address outside ALLOWED_EMAIL_DOMAINS, and the per-address limit, at the email field', async () => {
    const outside = await pb.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: form({ email: 'eve@elsewhere.net', keywords: 'mine' }) });
    expect(outside.statusCode).toBe(400);
    expect(errorOf(outside.body, 'email')).toBe('Sign-ups are open to addresses at example.org only.');
    expect(outside.body).toContain('value="mine"');
    for (let i = 0; i < 3; i++) expect((await pb.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: form({ email: 'busy@example.org' }) })).statusCode).toBe(303);
    const limited = await pb.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: form({ email: 'busy@example.org', keywords: 'again' }) });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(errorOf(limited.body, 'email')).toMatch(/^This address was signed up 3 times in the last 24 hours; try again later\.$/);
    expect(limited.body).toContain('value="again"');
  });

  it('takes seed papers as ids, arXiv: ids and links, and stores the bare ids', async () => {
    const papers = '2404.12345v2, arXiv:2310.06825, https://arxiv.org/abs/2401.04088v1, http://arxiv.org/pdf/2402.00001.pdf, '
      + 'https://www.arxiv.org/html/2403.00002v3, https://huggingface.co/papers/2405.00003, hep-th/9901001';
    const res = await submit(pb.app, { url: '/subscribe', headers: FORM, payload: form({ email: 'seeds@example.org', papers }) });
    expect(res.posted).toBe(303);
    expect(findByEmail(pb.ctx.db, 'seeds@example.org')!.profile.papers)
      .toEqual(['2404.12345', '2310.06825', '2401.04088', '2402.00001', '2403.00002', '2405.00003', 'hep-th/9901001']);
    // The API takes them the same way.
    const api = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'seeds2@example.org', papers: ['arXiv:2310.06825v4'] } });
    expect(api.statusCode).toBe(202);
    expect(findByEmail(pb.ctx.db, 'seeds2@example.org')!.profile.papers).toEqual(['2310.06825']);
  });

  it('redirects a sign-up to "Check your inbox", which a reload shows again without signing up again', async () => {
    const before = requests();
    const res = await pb.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: form({ email: 'prg@example.org', keywords: 'robots' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/subscribe/sent');
    // The address reaches the next page in a cookie of this browser only, never in the URL.
    expect(res.headers['set-cookie']).toEqual(['paperboy_signup=prg%40example.org; Path=/subscribe; Max-Age=3600; HttpOnly; SameSite=Lax']);
    expect(requests()).toBe(before + 1);
    for (let reload = 0; reload < 3; reload++) {
      const page = await pb.app.inject({ url: '/subscribe/sent', headers: { cookie: 'paperboy_signup=prg%40example.org' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('A mail is on its way to prg@example.org');
      expect(page.body).toContain('The link works for 7 days.');
    }
    expect(requests()).toBe(before + 1);
    for (const cookie of [undefined, 'paperboy_signup=%3Cscript%3E', 'paperboy_signup=%E0%A4%A']) {
      const page = await pb.app.inject({ url: '/subscribe/sent', headers: cookie ? { cookie } : {} });
      expect(page.body).toContain('A mail is on its way to the address you gave');
      expect(page.body).not.toContain('<script>');
    }
  });

  it('answers every form that changed something with a 303 to the page showing the result', async () => {
    const sub = activeSubscriber(pb, 'redirects@example.org');
    const prefs = pathOf(pb.ctx.links.preferences(sub));
    const unsub = pathOf(pb.ctx.links.unsubscribe(sub));
    const post = (url: string, payload = '') => pb.app.inject({ method: 'POST', url, headers: FORM, payload });
    const saved = await post(prefs, form({ keywords: 'robots', hour: '9', timezone: 'UTC' }));
    expect([saved.statusCode, saved.headers.location]).toEqual([303, `${prefs}?done=saved`]);
    const link = await post(`${unsub}/preferences-link`);
    expect([link.statusCode, link.headers.location]).toEqual([303, `${unsub}?done=link`]);
    const left = await post(unsub);
    expect([left.statusCode, left.headers.location]).toEqual([303, unsub]);
    const confirm = await post(`${unsub}/resubscribe`);
    expect([confirm.statusCode, confirm.headers.location]).toEqual([303, `${unsub}?done=confirm`]);
    const back = await post(`${pathOf(pb.ctx.links.preferences(findByEmail(pb.ctx.db, 'redirects@example.org')!))}/resubscribe`);
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toMatch(/\?done=resubscribed$/);
    // A mail provider's one-click gets its answer at once, not a redirect.
    const oneClick = await pb.app.inject({ method: 'POST', url: pathOf(pb.ctx.links.unsubscribe(findByEmail(pb.ctx.db, 'redirects@example.org')!)),
      payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.body).toContain('You are unsubscribed');
    // `?done=` shows only our own sentences, whatever the URL says.
    const current = pathOf(pb.ctx.links.preferences(findByEmail(pb.ctx.db, 'redirects@example.org')!));
    const forged = await pb.app.inject(`${current}?done=${encodeURIComponent('<b>hacked</b>')}`);
    expect(forged.statusCode).toBe(200);
    expect(forged.body).not.toContain('hacked');
  });

  it('offers every timezone the runtime knows, UTC first, labelled by city so typing one finds it', async () => {
    const html = (await pb.app.inject('/')).body;
    const zones = [...html.matchAll(/<option value="([A-Za-z_]+(?:\/[A-Za-z_+-]+)+|UTC)"/g)].map((m) => m[1]);
    expect(zones[0]).toBe('UTC');
    // Every zone, by its current name (issue 22, item 21: Europe/Kyiv, not ICU's Europe/Kiev).
    expect(new Set(zones)).toEqual(new Set(['UTC', ...Intl.supportedValuesOf('timeZone').map(currentZoneName)]));
    expect(html).toContain('<option value="Europe/Kyiv">Kyiv</option>');
    expect(html).toContain('<optgroup label="Europe">');
    expect(html).toContain('<option value="Europe/Paris">Paris</option>');
    expect(html).toContain('<option value="America/Argentina/Salta">Salta (Argentina)</option>');
    expect(html).toContain('<option value="America/New_York">New York</option>');
    expect(html).toMatch(/<select id="timezone" name="timezone" data-renamed="[^"]*Asia\/Calcutta[^"]*" data-autotz>/); // the script puts the browser's zone in, under its current name
  });

  it('groups every arXiv category by archive, with arXiv\'s names (issue 23, item 1)', async () => {
    const html = (await pb.app.inject('/')).body;
    const groups = new Map([...html.matchAll(/<summary>([^<]+) <span class="muted">(\d+) categor/g)].map((m) => [Handlebars.escapeExpression(m[1]), Number(m[2])]));
    expect(groups.get('Computer Science')).toBe(39);
    expect(groups.get('Electrical Engineering and Systems Science')).toBe(4);
    expect(groups.get('Astrophysics')).toBe(7);
    expect(groups.get('Mathematics')).toBe(30);
    expect(html).toContain('<input type="checkbox" name="categories" value="cs.CV"> <span>Computer Vision and Pattern Recognition <span class="code">cs.CV</span></span>');
    expect(html).toContain('<input type="checkbox" name="categories" value="eess.IV"> <span>Image and Video Processing <span class="code">eess.IV</span></span>');
    expect(html).toContain('value="cs.LG"'); // no papers in it here, offered all the same
    expect(html).not.toContain('value="cs.XY"'); // papers carry it, but arXiv lists no such category: the form would refuse it
  });
});
