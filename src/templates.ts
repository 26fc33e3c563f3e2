// The app's templates folder (templates/): the mails (MJML + text), the pages (Handlebars) and the pages' assets.
// Reading them is here, at the edge; digest/render.ts only compiles and fills what it is given.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileMailTemplate, type MailTemplate } from './digest/render.js';

/** Where the *.mjml and *.hbs templates live. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

/** The text of a file under the templates folder, e.g. `digest.mjml`. */
export function readTemplate(file: string, dir = TEMPLATES_DIR): string {
  return readFileSync(`${dir}/${file}`, 'utf8');
}

/** Reads templates/<name>.mjml and <name>.txt.hbs and compiles them into one fill function. */
export function loadMailTemplate<M>(name: string, dir = TEMPLATES_DIR): Promise<MailTemplate<M>> {
  return compileMailTemplate<M>(name, readTemplate(`${name}.mjml`, dir), readTemplate(`${name}.txt.hbs`, dir));
}
