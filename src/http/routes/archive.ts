import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Context } from '../../context.js';
import { dayLabel } from '../../digest/due.js';
import { archiveDays, archivePage, archiveSearch, categoryCounts, neighbourDays, type ArchiveFilter } from '../../store/archive.js';
import { sendPage, type PageRenderer } from '../page-renderer.js';
import { archiveParams, archiveQuery } from '../schemas.js';
import { categoryGroups, categoryLabel, paperView, SAMPLE_NOTE, type CategoryCount } from '../views.js';
import { onlySampleStored } from '../../store/papers.js';

/** Papers on one page of the archive, and days on one page of its index. */
const PAPERS_PER_PAGE = 25;
const DAYS_PER_PAGE = 30;

/** An archive URL with its filters; empty ones and page 1 are left out. */
function href(path: string, q: { q?: string; category?: string; page?: number }): string {
  const params = new URLSearchParams();
  if (q.q) params.set('q', q.q);
  if (q.category) params.set('category', q.category);
  if (q.page && q.page > 1) params.set('page', String(q.page));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** The pager of a list of `total` items, `per` a page, on page `page`; null when one page holds them all. */
function pager(path: string, q: { q?: string; category?: string }, page: number, total: number, per: number) {
  const pages = Math.max(1, Math.ceil(total / per));
  if (pages === 1) return null;
  return {
    page, pages, prev: page > 1 ? href(path, { ...q, page: page - 1 }) : null, next: page < pages ? href(path, { ...q, page: page + 1 }) : null,
  };
}

/** "Papers 26–50 of 253 in Computer Vision and Pattern Recognition (cs.CV) matching “diffusion”." */
function countLine(offset: number, shown: number, total: number, what: string, q: { q?: string; category?: string }): string {
  const range = shown === 0 ? `No ${what}` : shown === total ? `${total === 1 ? 'One' : `All ${total}`} ${what}` : `${what[0].toUpperCase()}${what.slice(1)} ${offset + 1}–${offset + shown} of ${total}`;
  const filters = `${q.category ? ` in ${categoryLabel(q.category)}` : ''}${q.q ? ` matching “${q.q}”` : ''}`;
  return `${range}${filters}.`;
}

/** What the archive needs: the store, the page renderer and the categories with papers. */
export interface ArchiveRouteDeps {
  ctx: Pick<Context, 'db'>;
  page: PageRenderer;
  categories: () => CategoryCount[];
}

/** The public archive: /papers lists the days (or searches), /papers/<YYYY-MM-DD> lists a day's papers; both filter and page. */
export const archiveRoutes = ({ ctx, page, categories }: ArchiveRouteDeps): FastifyPluginAsyncZod => async (app) => {
  /** The filter form: its target, the words searched, and the categories to choose from (the chosen one selected). */
  const filter = (action: string, q: { q?: string; category?: string }, known: CategoryCount[], button: string) => ({
    action, q: q.q ?? '', button, groups: categoryGroups(known, q.category ? [q.category] : []),
  });

  /** One page of papers matching a filter (and search words), with its count line and pager. */
  const papers = (path: string, f: ArchiveFilter, q: { q?: string; category?: string; page: number }) => {
    const offset = (q.page - 1) * PAPERS_PER_PAGE;
    const found = q.q ? archiveSearch(ctx.db, q.q, f, offset, PAPERS_PER_PAGE) : archivePage(ctx.db, f, offset, PAPERS_PER_PAGE);
    return {
      papers: found.papers.map(paperView), start: offset + 1, total: found.total,
      count: countLine(offset, found.papers.length, found.total, found.total === 1 ? 'paper' : 'papers', q),
      pager: pager(path, q, q.page, found.total, PAPERS_PER_PAGE),
    };
  };

  app.get('/papers', { schema: { querystring: archiveQuery, summary: 'The archive: days newest first, or search', tags: ['pages'] } }, async (req, reply) => {
    const q = req.query;
    if (q.q || q.category) {
      const list = papers('/papers', { category: q.category }, q);
      const heading = q.q ? `Papers matching “${q.q}”` : `Papers in ${categoryLabel(q.category!)}`;
      return sendPage(reply, page, 'archive', {
        title: heading, heading, filter: filter('/papers', q, categories(), 'Search'), ...list,
        empty: q.page > 1 ? 'There is no such page.' : q.q ? 'No paper matches all of these words: try fewer.' : 'No paper in this category yet.',
      }, list.papers.length || q.page === 1 ? 200 : 404);
    }
    const offset = (q.page - 1) * DAYS_PER_PAGE;
    const { days, total } = archiveDays(ctx.db, offset, DAYS_PER_PAGE);
    return sendPage(reply, page, 'archive-days', {
      title: 'The archive', filter: filter('/papers', q, categories(), 'Search'), sample: onlySampleStored(ctx.db) ? SAMPLE_NOTE : '',
      dayList: days.map((d) => ({ href: `/papers/${d.day}`, label: dayLabel(d.day), papers: d.papers })),
      count: countLine(offset, days.length, total, total === 1 ? 'day' : 'days', {}), pager: pager('/papers', {}, q.page, total, DAYS_PER_PAGE),
    }, days.length || q.page === 1 ? 200 : 404);
  });

  app.get('/papers/:date', { schema: { params: archiveParams, querystring: archiveQuery, tags: ['pages'] } }, async (req, reply) => {
    const { date } = req.params;
    const q = req.query;
    const path = `/papers/${date}`;
    const list = papers(path, { day: date, category: q.category }, q);
    const around = neighbourDays(ctx.db, date);
    const day = (d: string | null) => d && { href: href(`/papers/${d}`, { category: q.category }), label: dayLabel(d) };
    const all = q.q || q.category ? archivePage(ctx.db, { day: date }, 0, 1).total : list.total;
    return sendPage(reply, page, 'archive', {
      title: dayLabel(date), heading: dayLabel(date), days: { newer: day(around.after), older: day(around.before) },
      filter: filter(path, q, categoryCounts(ctx.db, date), 'Filter'), ...list,
      count: `${list.count}${all !== list.total ? ` ${all} papers this day in all.` : ''}`,
      empty: all === 0 ? 'No papers are stored for this day.' : q.page > 1 && list.total > 0 ? 'There is no such page.' : 'No paper of this day matches.',
    }, all === 0 || (!list.papers.length && q.page > 1) ? 404 : 200);
  });
};
