import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { TEMPLATES_DIR } from '../digest/render.js';

/** Renders a page template inside the layout; all values are escaped by the templates. */
export type PageRenderer = (name: string, model: { title: string } & Record<string, unknown>) => string;

/** Compiles templates/pages/*.hbs once; `layout.hbs` wraps every other page. */
export function loadPages(dir = `${TEMPLATES_DIR}/pages`): PageRenderer {
  const hbs = Handlebars.create();
  const pages = new Map(readdirSync(dir).filter((f) => f.endsWith('.hbs'))
    .map((f) => [f.replace(/\.hbs$/, ''), hbs.compile(readFileSync(`${dir}/${f}`, 'utf8'), { strict: false })]));
  const layout = pages.get('layout');
  if (!layout) throw new Error(`${dir}/layout.hbs is missing`);
  return (name, model) => {
    const page = pages.get(name);
    if (!page) throw new Error(`no page template ${name}.hbs`);
    // The page body is our own rendered, escaped HTML, so the layout inserts it as is.
    return layout({ ...model, body: new Handlebars.SafeString(page(model)) });
  };
}
