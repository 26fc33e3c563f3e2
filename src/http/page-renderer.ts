import type { FastifyReply } from 'fastify';
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { TEMPLATES_DIR } from '../templates.js';

/** What every page template gets: a title for the layout, and anything else the page shows. */
export type PageModel = { title: string } & Record<string, unknown>;

/** Renders a page template inside the layout (all values are escaped by the templates); `partial` renders one
 *  partial alone, with the globals, for pages that are not ours to lay out (the API docs get the site's header and footer). */
export type PageRenderer = ((name: string, model: PageModel) => string) & { partial(name: string, model?: Record<string, unknown>): string };

/** What every page shows whatever the route: the instance's name (INSTANCE_NAME) and who runs it (INSTANCE_CONTACT). */
export interface PageGlobals {
  instance: string;
  contact?: ContactView | null;
}

/** INSTANCE_CONTACT as the footer shows it: the text, with the address in it (if any) as a mailto link. */
export interface ContactView {
  text: string;
  before: string;
  email: string | null;
  after: string;
}

/** Splits INSTANCE_CONTACT around the first address it holds, so the footer can link it; null when unset. */
export function contactView(contact: string | undefined): ContactView | null {
  if (!contact) return null;
  const m = /[^\s<>(),;:"']+@[^\s<>(),;:"']+\.[a-z]{2,}/i.exec(contact);
  if (!m) return { text: contact, before: contact, email: null, after: '' };
  return { text: contact, before: contact.slice(0, m.index), email: m[0], after: contact.slice(m.index + m[0].length) };
}

/** The `.hbs` files of a folder by name. */
function templatesIn(dir: string): [string, string][] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.hbs')).map((f) => [f.replace(/\.hbs$/, ''), readFileSync(`${dir}/${f}`, 'utf8')]);
}

/**
 * Compiles templates/pages/*.hbs once, with the partials of templates/pages/partials/ (a form field, the site
 * header and footer); `layout.hbs` wraps every other page, and every page gets `globals`.
 */
export function loadPages(globals: PageGlobals = { instance: 'Paperboy' }, dir = `${TEMPLATES_DIR}/pages`): PageRenderer {
  const hbs = Handlebars.create();
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // {{#if (or a b)}}: the last argument is Handlebars' options object.
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('includes', (list: unknown, x: unknown) => Array.isArray(list) && list.includes(x));
  for (const [name, source] of templatesIn(`${dir}/partials`)) hbs.registerPartial(name, source);
  const pages = new Map(templatesIn(dir).map(([name, source]) => [name, hbs.compile(source, { strict: false })]));
  const layout = pages.get('layout');
  if (!layout) throw new Error(`${dir}/layout.hbs is missing`);
  const render = (name: string, model: PageModel) => {
    const page = pages.get(name);
    if (!page) throw new Error(`no page template ${name}.hbs`);
    const full = { ...globals, ...model };
    // The page body is our own rendered, escaped HTML, so the layout inserts it as is.
    return layout({ ...full, body: new Handlebars.SafeString(page(full)) });
  };
  return Object.assign(render, {
    partial: (name: string, model: Record<string, unknown> = {}) => hbs.compile(`{{> ${name}}}`)({ ...globals, ...model }),
  });
}

/** Answers with a rendered page and a status (200 unless given). */
export function sendPage(reply: FastifyReply, page: PageRenderer, name: string, model: PageModel, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page(name, model));
}

/** Answers a POST that did its work with a redirect to the page that shows the result (Post/Redirect/Get):
 *  reloading that page, or going back to it, never sends the form again. */
export function seeOther(reply: FastifyReply, url: string): FastifyReply {
  return reply.redirect(url, 303);
}

