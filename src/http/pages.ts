import type { FastifyReply } from 'fastify';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { TEMPLATES_DIR } from '../templates.js';

/** What every page template gets: a title for the layout, and anything else the page shows. */
export type PageModel = { title: string } & Record<string, unknown>;

/** Renders a page template inside the layout; all values are escaped by the templates. */
export type PageRenderer = (name: string, model: PageModel) => string;

/** What every page shows whatever the route: the instance's name (INSTANCE_NAME). */
export interface PageGlobals {
  instance: string;
}

/** Compiles templates/pages/*.hbs once; `layout.hbs` wraps every other page, and every page gets `globals`. */
export function loadPages(globals: PageGlobals = { instance: 'Paperboy' }, dir = `${TEMPLATES_DIR}/pages`): PageRenderer {
  const hbs = Handlebars.create();
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('includes', (list: unknown, x: unknown) => Array.isArray(list) && list.includes(x));
  const pages = new Map(readdirSync(dir).filter((f) => f.endsWith('.hbs'))
    .map((f) => [f.replace(/\.hbs$/, ''), hbs.compile(readFileSync(`${dir}/${f}`, 'utf8'), { strict: false })]));
  const layout = pages.get('layout');
  if (!layout) throw new Error(`${dir}/layout.hbs is missing`);
  return (name, model) => {
    const page = pages.get(name);
    if (!page) throw new Error(`no page template ${name}.hbs`);
    const full = { ...globals, ...model };
    // The page body is our own rendered, escaped HTML, so the layout inserts it as is.
    return layout({ ...full, body: new Handlebars.SafeString(page(full)) });
  };
}

/** Answers with a rendered page and a status (200 unless given). */
export function sendPage(reply: FastifyReply, page: PageRenderer, name: string, model: PageModel, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page(name, model));
}
