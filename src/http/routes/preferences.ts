import type { DigestDeps } from '../../digest/build.js';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Context, ContextPart } from '../../context.js';
import { dayLabel, deliverySentence, localDayHour, momentLabel, nextDelivery } from '../../digest/due.js';
import { buildDigest } from '../../digest/build.js';
import { WEIGHTS } from '../../rank/weights.js';
import { emailHash } from '../../store/address-guard.js';
import { hasDigest } from '../../store/digests.js';
import { subscriberData } from '../../store/subscriber-data.js';
import { deleteSubscriberData, resubscribe, updatePreferences, type SubscriberRecord } from '../../store/subscribers.js';
import type { StoredEntry } from '../../store/library.js';
import type { LibraryReader } from '../../library/citation.js';
import type { LibraryRead } from '../../library/read.js';
import { PROFILE_LIMITS } from '../../rank/limits.js';
import { forgetPrevious, libraryCounts, libraryPage, previousLibrary, removeLibraryEntry, replaceLibrary, restorePrevious } from '../../store/library.js';
import { atomically } from '../../store/statements.js';
import { ApiError } from '../../api-error.js';
import { formIssues } from '../errors.js';
import { fieldErrors, valuesFromBody, valuesOf, type FieldErrors, type FormValues } from '../forms.js';
import { LIBRARY_BODY_LIMIT, LIBRARY_COOKIE, acceptLibraryForms, libraryAnswer, otherFieldsWithinLimit, libraryTooLarge, libraryView, readLibraryField, viewCookie, viewFromCookie, type LibraryView } from '../library.js';
import { truncatedField, uploadedName } from '../multipart.js';
import { seeOther, sendPage, type PageRenderer } from '../page-renderer.js';
import { resolveManage } from '../resolve.js';
import { INVALID_LINK, tokenGuard, type TokenGuard } from '../token-guard.js';
import { deleteBody, emptyBody, libraryEditBody, preferencesBody, preferencesQuery, tokenParams } from '../schemas.js';
import { categoryLabel, formView, SAMPLE_NOTE, sourceOptions, type CategoryCount } from '../views.js';
import { SOURCE_KEYS } from '../../rank/sources.js';
import { sourceCounts } from '../../store/source-rates.js';
import { listFeeds } from '../../store/feeds.js';
import type { FeedFetcher } from '../../ingest/on-demand.js';
import { onlySampleStored } from '../../store/papers.js';
import { mailView } from './digests.js';
import { pastDigests } from '../../store/digest-view.js';

/** What a redirect back to the preferences page says happened (`?done=`): our own words, whoever wrote the URL. */
const NOTICES = {
  saved: 'Saved.',
  removed: 'Removed from your library.',
  cleared: 'Your library is empty now. The one you had is kept a step back, below: you can put it back.',
  restored: 'Your previous library is back. The one it replaced is kept a step back, below.',
  forgotten: 'The previous library is forgotten.',
  resubscribed: 'You are subscribed again.',
  pending: 'This address still has to be confirmed: open the link in the confirmation mail and press Confirm.',
  confirmed: '',
} as const;

/** The refusal of an undo or forget when no library is kept a step back (already undone in another tab, say). */
function notKept(): never {
  throw new ApiError(404, 'not_found', 'No previous library is kept (any more)');
}

/** Library entries listed per page of the preferences page. */
const LIBRARY_PER_PAGE = 50;

/** When an entry was added, and where that date came from: "added 2 April 2026", "added 14 July 2026, the day you
 *  uploaded it (the export gives no date added)", "no date added in the export". */
function addedLabel(e: StoredEntry): string {
  if (!e.added) return 'no date added in the export';
  const day = /^\d{4}-\d\d-\d\d$/.test(e.added) ? dayLabel(e.added).replace(/^\w+ /, '') : e.added;
  if (e.addedFrom === 'upload') return `added ${day}, the day you uploaded it (the export gives no date added)`;
  return e.addedFrom === 'export' ? `added ${day}` : `dated ${day}`; // stored before the source of dates was kept
}

/** How an entry was matched, as the list says it. */
function matchedLabel(e: StoredEntry): string {
  if (e.matchedBy === 'arxiv') return `matched by arXiv id ${e.arxivId ?? e.paperId}`;
  if (e.matchedBy === 'doi') return `matched by DOI ${e.doi}`;
  if (e.matchedBy === 'title') return 'matched by title';
  if (e.title) return 'kept as a text example (not among our papers yet)';
  return 'waiting: not among our papers yet';
}

/** The library as the preferences page lists it: counts, one page of entries (title, how matched, when added), a pager. */
function libraryList(ctx: Pick<Context, 'db'>, subscriberId: number, base: string, page: number) {
  const counts = libraryCounts(ctx.db, subscriberId);
  if (!counts.entries) return null;
  const pages = Math.ceil(counts.entries / LIBRARY_PER_PAGE);
  const at = Math.min(page, pages);
  const entries = libraryPage(ctx.db, subscriberId, (at - 1) * LIBRARY_PER_PAGE, LIBRARY_PER_PAGE).map((e) => ({
    id: e.id, title: e.title || (e.arxivId ? `arXiv:${e.arxivId}` : `doi:${e.doi}`), how: matchedLabel(e), added: addedLabel(e),
    url: e.paperId && !e.paperId.startsWith('title:') ? `https://arxiv.org/abs/${e.paperId}` : null,
  }));
  const href = (p: number) => `${base}?page=${p}#your-library`;
  return {
    ...counts, items: entries, used: Math.min(PROFILE_LIMITS.libraryUsed, counts.matched + counts.text), usedMax: PROFILE_LIMITS.libraryUsed,
    pager: pages > 1 ? { page: at, pages, prev: at > 1 ? href(at - 1) : null, next: at < pages ? href(at + 1) : null } : null,
  };
}

/** Past digests listed on the preferences page (a year of weekly ones; two months of daily ones at most, with the default retention). */
const PAST_DIGESTS_SHOWN = 60;

/** The subscriber's sent digests still kept, newest first, each with its "View in browser" link. */
function pastDigestList(ctx: ContextPart<'db' | 'links', 'RETENTION_DAYS'>, sub: SubscriberRecord) {
  const { digests, total } = pastDigests(ctx.db, sub.id, PAST_DIGESTS_SHOWN);
  if (!total) return null;
  return {
    items: digests.map((d) => ({ label: dayLabel(d.date), subject: d.subject ?? '', papers: d.papers, plural: d.papers !== 1, href: new URL(ctx.links.digest(sub, d.date)).pathname })),
    more: total - digests.length, days: ctx.config.RETENTION_DAYS,
  };
}

/** The library kept a step back, as the page offers it: "5 entries, replaced on 14 July 2026 at 10:02 (Europe/Paris)". */
function previousView(ctx: Pick<Context, 'db'>, sub: SubscriberRecord) {
  const p = previousLibrary(ctx.db, sub.id);
  if (!p) return null;
  return { entries: p.entries, plural: p.entries !== 1, replaced: `${momentLabel(new Date(p.replacedAt), sub.timezone)} (${sub.timezone})` };
}

/** What the page says while the feeds of the subscriber's newly chosen categories are being fetched, or ''. */
export function fetchingNote(categories: readonly string[], pending: ReadonlySet<string>): string {
  const now = categories.filter((c) => pending.has(c));
  if (now.length === 0) return '';
  return `The newest papers in ${now.map(categoryLabel).join(', ')} are being fetched now, a few seconds each: ` +
    'they will be here within a minute, in time for your next digest.';
}

/** The schedule in a sentence, with when the next digest really goes out (today's may be due already). */
export function deliveryOf(ctx: Pick<Context, 'db'>, sub: SubscriberRecord, now = new Date()): string {
  return deliverySentence(now, sub, hasDigest(ctx.db, sub.id, localDayHour(now, sub.timezone).date));
}

/** What the preferences pages need: the store, the links, what a preview is built from, the categories, the library reader, the first fetch of new categories. */
export interface PreferenceRouteDeps {
  ctx: DigestDeps & ContextPart<'db' | 'secret' | 'links', 'INSTANCE_NAME' | 'PAPERBOY_SOURCES' | 'PUBLIC_URL' | 'RETENTION_DAYS' | 'INSTANCE_CONTACT'>;
  page: PageRenderer;
  categories: () => CategoryCount[];
  libraries: LibraryReader;
  feeds: FeedFetcher;
}

/** What the preferences page shows besides the subscriber's record: the values and errors of a refused form, the
 *  notice of what was done, the library page, the answer to a library just given. */
type Shown = { values?: FormValues; errors?: FieldErrors; done?: string; page?: number; answer?: LibraryView | null };

/** Answers the preferences page of a subscriber (status 200, or the status of a refused form). */
function preferencesPage({ ctx, page, categories, feeds }: PreferenceRouteDeps) {
  return (reply: FastifyReply, token: string, sub: SubscriberRecord, o: Shown = {}, status = 200) => {
    const notice = o.done && Object.hasOwn(NOTICES, o.done) ? NOTICES[o.done as keyof typeof NOTICES] : '';
    const base = `/preferences/${token}`;
    return sendPage(reply, page, 'preferences', {
      title: o.errors ? 'Your preferences: check the form' : 'Your preferences', token, status: sub.status, notice,
      welcome: o.done === 'confirmed' && sub.status === 'active', delivery: deliveryOf(ctx, sub),
      fetching: fetchingNote(sub.profile.categories, feeds.pending()),
      sources: sourcesView(ctx, o.values ?? valuesOf(sub)),
      previewUrl: sub.status === 'unsubscribed' ? null : `${base}/preview`, unsubscribeUrl: new URL(ctx.links.unsubscribe(sub)).pathname,
      weakDayItems: WEIGHTS.weakDayItems, ...formView(o.values ?? valuesOf(sub), o.errors ?? {}, categories()),
      library: libraryList(ctx, sub.id, base, o.page ?? 1), libraryAnswer: o.answer ?? null, previousLibrary: previousView(ctx, sub),
      pastDigests: pastDigestList(ctx, sub),
    }, status);
  };
}

/** The sources checkboxes: the named sources fetched here and every journal feed, with what each brought this week. */
function sourcesView(ctx: PreferenceRouteDeps['ctx'], v: FormValues) {
  const journals = new Map(listFeeds(ctx.db).map((f) => [f.code, f.title ?? new URL(f.url).hostname]));
  const named = ctx.config.PAPERBOY_SOURCES.filter((s) => (SOURCE_KEYS as readonly string[]).includes(s));
  return sourceOptions([...named, ...journals.keys()], sourceCounts(ctx.db, new Date(Date.now() - 7 * 86_400_000).toISOString()), v.sources, journals);
}

/** The cookie that carries a library's answer from the form's POST to the page it redirects to, for that page alone. */
function flashCookie(publicUrl: string, token: string, value: string): string {
  return `${LIBRARY_COOKIE}=${value}; Path=/preferences/${token}; Max-Age=${value ? 600 : 0}; HttpOnly; SameSite=Lax${publicUrl.startsWith('https:') ? '; Secure' : ''}`;
}

/** The routes of one part of the preferences, given the guard that resolves the manage token. */
type PreferencePart = (deps: PreferenceRouteDeps, holder: TokenGuard<SubscriberRecord>) => FastifyPluginAsyncZod;

/** GET /preferences/<token>: the page, with the answer to a library just given when the form's POST left one. */
const view: PreferencePart = (deps, holder) => async (app) => {
  const { ctx } = deps;
  const show = preferencesPage(deps);
  const flash = (token: string, value: string) => flashCookie(ctx.config.PUBLIC_URL, token, value);
  app.get('/preferences/:token', { schema: { params: tokenParams, querystring: preferencesQuery, tags: ['links'] }, preHandler: holder.preHandler }, async (req, reply) => {
    const sub = holder.of(req);
    const answer = viewFromCookie(req.headers.cookie, LIBRARY_COOKIE);
    // Shown once: the cookie goes with this answer.
    if (answer) void reply.header('set-cookie', flash(req.params.token, ''));
    return show(reply, req.params.token, sub, { done: req.query.done, page: req.query.page, answer });
  });
};

/** The form's POST to /preferences/<token>: saves every preference, and replaces the library when one is given. */
const form: PreferencePart = (deps, holder) => async (app) => {
  const { ctx, libraries, feeds } = deps;
  const show = preferencesPage(deps);
  const flash = (token: string, value: string) => flashCookie(ctx.config.PUBLIC_URL, token, value);
  // Only the form takes multipart/form-data (it uploads a library file), in a plugin of its own; urlencoded works too.
  await app.register(async (form) => {
    acceptLibraryForms(form);
    form.withTypeProvider<ZodTypeProvider>().post('/preferences/:token', {
      bodyLimit: LIBRARY_BODY_LIMIT, preValidation: otherFieldsWithinLimit, preHandler: holder.preHandler,
      schema: { params: tokenParams, body: preferencesBody, summary: 'Save every preference (the form); a library given replaces the one kept', tags: ['links'], consumes: ['multipart/form-data', 'application/x-www-form-urlencoded'] },
      attachValidation: true,
    }, async (req, reply) => {
      const issues = formIssues(req);
      const sub = holder.of(req);
      const values = () => valuesFromBody(req.body, { ...valuesOf(sub), categories: [] });
      if (issues) return show(reply, req.params.token, sub, { values: values(), errors: fieldErrors(issues, req.body) }, 400);
      const { library: text, libraryFile, ...b } = req.body;
      let read: LibraryRead | null;
      try {
        if (truncatedField(req)) throw libraryTooLarge();
        read = await readLibraryField(libraries, { pasted: text, file: libraryFile, fileName: uploadedName(req, 'libraryFile') }, localDayHour(new Date(), b.timezone).date);
      } catch (err) {
        if (!(err instanceof ApiError && err.field)) throw err;
        return show(reply, req.params.token, sub, { values: values(), errors: { [err.field]: `${err.message}.` } }, err.status);
      }
      // One transaction: the settings and the library change together or not at all.
      const answer = atomically(ctx.db, () => {
        updatePreferences(ctx.db, sub.id, {
          keywords: b.keywords, categories: b.categories, authors: b.authors, about: b.about, papers: b.papers,
          timezone: b.timezone, hour: b.hour, frequency: b.frequency, weekday: b.weekday, digestSize: b.digestSize,
          weakDay: b.weakDay, pausedUntil: b.pausedUntil, sources: b.sources,
        });
        return read && libraryAnswer(read, replaceLibrary(ctx.db, sub.id, read.entries));
      });
      if (sub.status === 'active') feeds.request(b.categories);
      if (answer) void reply.header('set-cookie', flash(req.params.token, viewCookie(libraryView(answer, ctx.config.INSTANCE_NAME))));
      // A library given: straight to what it came to and the list, not to the (empty again) upload field.
      return seeOther(reply, `/preferences/${req.params.token}?done=saved${answer ? '#your-library' : ''}`);
    });
  });
};

/** POST /preferences/<token>/library: remove an entry or all of them, put back the previous library or forget it. */
const libraryEdits: PreferencePart = ({ ctx }, holder) => async (app) => {
  app.post('/preferences/:token/library', {
    preHandler: holder.preHandler,
    schema: { params: tokenParams, body: libraryEditBody, summary: 'Remove one entry of the library or all of them; put back the previous library, or forget it', tags: ['links'], consumes: ['application/x-www-form-urlencoded'] },
  }, async (req, reply) => {
    const sub = holder.of(req);
    const b = req.body;
    let done: keyof typeof NOTICES;
    if (b.clear === 'yes') {
      replaceLibrary(ctx.db, sub.id, []);
      done = 'cleared';
    } else if (b.undo === 'yes') done = restorePrevious(ctx.db, sub.id) ? 'restored' : notKept();
    else if (b.forget === 'yes') done = forgetPrevious(ctx.db, sub.id) ? 'forgotten' : notKept();
    else if (b.remove !== undefined && removeLibraryEntry(ctx.db, sub.id, b.remove)) done = 'removed';
    else throw new ApiError(404, 'not_found', 'That entry is not in your library (any more)');
    // Back to the library section, which shows the list, the result and the library kept a step back.
    return seeOther(reply, `/preferences/${req.params.token}?done=${done}#your-library`);
  });
};

/** GET /preferences/<token>/preview: the next digest as it would go out now. */
const preview: PreferencePart = ({ ctx, page }, holder) => async (app) => {
  app.get('/preferences/:token/preview', { schema: { params: tokenParams, summary: 'What the next digest would hold if it went out now', tags: ['links'] }, preHandler: holder.preHandler }, async (req, reply) => {
    const sub = holder.of(req);
    const now = new Date();
    const next = nextDelivery(now, sub, hasDigest(ctx.db, sub.id, localDayHour(now, sub.timezone).date));
    // The ranking `paperboy preview` runs: papers of the last week not sent before, votes included; nothing is recorded.
    const built = buildDigest(ctx, sub, next === 'now' ? localDayHour(now, sub.timezone).date : next, now);
    const back = { href: `/preferences/${req.params.token}`, label: 'Back to your preferences' };
    return sendPage(reply, page, 'mail-view', {
      title: 'Preview of your next digest', back, heading: 'Preview of your next digest', sample: onlySampleStored(ctx.db) ? SAMPLE_NOTE : '',
      notice: 'What your next digest would hold if it went out now, from the papers of the last week. Nothing is sent or recorded; new papers may still arrive before it goes out.',
      ...(built.ranked.length || built.model.note
        ? mailView(built.body.html)
        : { empty: 'Nothing would be sent: too few new papers of the last week match your interests, and on such a day you chose to get nothing. Add topics or categories, or choose a short note on quiet days.' }),
    });
  });
};

/** Resubscribe, download my data, delete my data. */
const subscription: PreferencePart = ({ ctx, page }, holder) => async (app) => {
  app.post('/preferences/:token/resubscribe', {
    preHandler: holder.preHandler,
    schema: { params: tokenParams, body: emptyBody, summary: 'Resubscribe an unsubscribed address', tags: ['links'] },
  }, async (req, reply) => {
    const sub = holder.of(req);
    const back = resubscribe(ctx.db, sub.id) || sub.status === 'active';
    return seeOther(reply, `/preferences/${req.params.token}?done=${back ? 'resubscribed' : 'pending'}`);
  });

  // A GET that changes nothing: a link scanner opening it learns only what the token's holder may read anyway.
  app.get('/preferences/:token/data', { schema: { params: tokenParams, summary: 'Everything kept about the subscriber, as JSON', tags: ['links'] }, preHandler: holder.preHandler }, async (req, reply) => {
    const data = subscriberData(ctx.db, holder.of(req).id);
    if (!data) return sendPage(reply, page, 'message', INVALID_LINK, 404);
    return reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="paperboy-my-data.json"')
      .send(JSON.stringify(data, null, 2));
  });

  app.post('/preferences/:token/delete', {
    preHandler: holder.preHandler,
    schema: { params: tokenParams, body: deleteBody, summary: 'Erase the subscriber and their history', tags: ['links'], consumes: ['application/x-www-form-urlencoded'] },
  }, async (req, reply) => {
    const sub = holder.of(req);
    deleteSubscriberData(ctx.db, sub.id, emailHash(ctx.secret, sub.email));
    return seeOther(reply, '/deleted');
  });

  app.get('/deleted', { schema: { hide: true } }, async (_req, reply) => sendPage(reply, page, 'message', {
    title: 'Data deleted', heading: 'Your data is deleted',
    message: 'The address, interests, digests and votes are erased. Every link in earlier mails has stopped working.',
    link: { href: '/', label: 'Go to the home page' },
  }));
};

/** /preferences/<token>: view and edit everything, preview the next digest, resubscribe, download and delete my data. */
export const preferenceRoutes = (deps: PreferenceRouteDeps): FastifyPluginAsyncZod => async (app) => {
  // Every route here opens one subscriber's preferences: the manage token names them, or the route answers 404.
  const holder = tokenGuard(deps.page, (token) => resolveManage(deps.ctx, token));
  for (const part of [view, form, libraryEdits, preview, subscription]) await app.register(part(deps, holder));
};
