import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ContextPart } from '../../context.js';
import { localDayHour } from '../../digest/due.js';
import { latestPapers, onlySampleStored } from '../../store/papers.js';
import { CONFIRM_DAYS } from '../../store/requests.js';
import { ApiError } from '../../api-error.js';
import { formIssues } from '../errors.js';
import { BLANK_FORM, fieldErrors, valuesFromBody, type FieldErrors, type FormValues } from '../forms.js';
import { fresh } from '../../memo.js';
import { seeOther, sendPage, type PageRenderer } from '../page-renderer.js';
import { LIBRARY_BODY_LIMIT, LIBRARY_COOKIE, acceptLibraryForms, libraryAnswer, otherFieldsWithinLimit, libraryTooLarge, libraryView, readLibraryField, viewCookie, viewFromCookie, type LibraryView } from '../library.js';
import { truncatedField, uploadedName } from '../multipart.js';
import { subscriptionForm } from '../schemas.js';
import type { LibraryReader } from '../../library/citation.js';
import { librarySummary } from '../../store/library.js';
import type { Subscriptions } from '../../signup/subscriptions.js';
import { formView, paperView, SAMPLE_NOTE, type CategoryCount } from '../views.js';

/** How long the landing page (and its paper list) may be reused: it is the same for everyone and changes with ingests only. */
const LANDING_TTL_MS = 5_000;

/** The cookie that carries the address from the sign-up POST to the "Check your inbox" page it redirects to:
 *  only this browser sees it, only for an hour, and the address never appears in a URL (or a proxy's log). */
const SENT_COOKIE = 'paperboy_signup';

/** The address the sign-up form was sent with, from the cookie the POST set; null when absent or not an address. */
function sentTo(req: FastifyRequest): string | null {
  const raw = req.headers.cookie?.split(/;\s*/).find((c) => c.startsWith(`${SENT_COOKIE}=`))?.slice(SENT_COOKIE.length + 1);
  if (!raw) return null;
  try {
    const email = decodeURIComponent(raw);
    return z.email().safeParse(email).success ? email : null;
  } catch {
    return null;
  }
}

/** What the landing and sign-up pages need: the store, six settings, sign-up, the categories, the library reader. */
export interface PageRouteDeps {
  ctx: ContextPart<'db', 'ALLOWED_EMAIL_DOMAINS' | 'DEFAULT_HOUR' | 'DEFAULT_TIMEZONE' | 'INSTANCE_NAME' | 'MAIL_FROM' | 'PUBLIC_URL'>;
  page: PageRenderer;
  subs: Subscriptions;
  categories: () => CategoryCount[];
  libraries: LibraryReader;
}

/** HTML pages: the landing page with the sign-up form, the form's answers, and "Check your inbox". */
export const pageRoutes = ({ ctx, page, subs, categories, libraries }: PageRouteDeps): FastifyPluginAsyncZod => async (app) => {
  const papers = fresh(LANDING_TTL_MS, () => latestPapers(ctx.db, 15).map(paperView));
  // Labelled as what they are while the bundled sample is all the store holds.
  const sample = fresh(LANDING_TTL_MS, () => (onlySampleStored(ctx.db) ? SAMPLE_NOTE : ''));
  const secure = ctx.config.PUBLIC_URL.startsWith('https:') ? '; Secure' : '';

  // The blank form starts on the lab's hour and timezone (DEFAULT_HOUR, DEFAULT_TIMEZONE); with no lab timezone set,
  // the page's script puts the browser's own in.
  const blankForm: FormValues = { ...BLANK_FORM, timezone: ctx.config.DEFAULT_TIMEZONE, hour: String(ctx.config.DEFAULT_HOUR) };
  const browserZone = ctx.config.DEFAULT_TIMEZONE === 'UTC';

  /** The landing page's model with the form as given: blank or as sent. */
  const model = (values: FormValues, errors: FieldErrors = {}) => ({
    // A refused form says so in the title too: it is what a screen reader announces first.
    title: Object.keys(errors).length ? 'Sign up: check the form' : 'Research papers for you, by mail', papers: papers(), sample: sample(), domains: ctx.config.ALLOWED_EMAIL_DOMAINS.join(', '),
    autoTimezone: values === blankForm && browserZone, ...formView(values, errors, categories()),
  });
  const landing = (reply: FastifyReply, values: FormValues, errors: FieldErrors, status: number) => sendPage(reply, page, 'index', model(values, errors), status);
  // The blank page is the same for every visitor: rendered once per interval, not per request (it lists every timezone).
  const blank = fresh(LANDING_TTL_MS, () => page('index', model(blankForm)));

  app.get('/', { schema: { summary: 'The sign-up form and popular papers', tags: ['pages'] } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(blank()));

  app.get('/subscribe', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/#subscribe', 302));

  // The form posts here: the API's schema; a refused form comes back with what was typed and each error beside its field.
  // The form is multipart/form-data (it uploads a library file); a plain urlencoded post works too.
  acceptLibraryForms(app);
  app.post('/subscribe', {
    bodyLimit: LIBRARY_BODY_LIMIT, preValidation: otherFieldsWithinLimit,
    schema: { body: subscriptionForm, summary: 'The sign-up form; redirects to "Check your inbox"', tags: ['pages'], consumes: ['multipart/form-data', 'application/x-www-form-urlencoded'] },
    attachValidation: true,
  }, async (req, reply) => {
    const issues = formIssues(req);
    if (issues) return landing(reply, valuesFromBody(req.body), fieldErrors(issues, req.body), 400);
    const { library: text, libraryFile, ...rest } = req.body;
    let answer: LibraryView | null = null;
    try {
      if (truncatedField(req)) throw libraryTooLarge();
      const read = await readLibraryField(libraries, { pasted: text, file: libraryFile, fileName: uploadedName(req, 'libraryFile') }, localDayHour(new Date(), rest.timezone ?? ctx.config.DEFAULT_TIMEZONE).date);
      await subs.subscribe({ ...rest, ...(read && { library: read.entries }) });
      answer = read && libraryView(libraryAnswer(read, librarySummary(ctx.db, read.entries)), ctx.config.INSTANCE_NAME);
    } catch (err) {
      if (!(err instanceof ApiError && err.field)) throw err;
      if (err.retryAfter) void reply.header('retry-after', String(err.retryAfter));
      return landing(reply, valuesFromBody(req.body), { [err.field]: `${err.message}.` }, err.status);
    }
    const cookie = (name: string, value: string) => `${name}=${value}; Path=/subscribe; Max-Age=${value ? 3600 : 0}; HttpOnly; SameSite=Lax${secure}`;
    // The library's answer, or none: one from an earlier sign-up in this browser must not show.
    const library = answer ? viewCookie(answer) : req.headers.cookie?.includes(`${LIBRARY_COOKIE}=`) ? '' : null;
    void reply.header('set-cookie', [cookie(SENT_COOKIE, encodeURIComponent(rest.email)), ...(library === null ? [] : [cookie(LIBRARY_COOKIE, library)])]);
    return seeOther(reply, '/subscribe/sent');
  });

  // The same page whether or not the address is known: nothing is revealed about who is subscribed.
  app.get('/subscribe/sent', { schema: { summary: 'Check your inbox (after the sign-up form)', tags: ['pages'] } }, async (req, reply) =>
    sendPage(reply, page, 'check-inbox', {
      title: 'Check your inbox', email: sentTo(req), days: CONFIRM_DAYS, from: ctx.config.MAIL_FROM, library: viewFromCookie(req.headers.cookie, LIBRARY_COOKIE),
    }));
};
