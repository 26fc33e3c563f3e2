// Mail templates compiled and filled: MJML + Handlebars source in, HTML and text out. The sources are read
// by src/templates.ts; nothing here touches a file.
import Handlebars from 'handlebars';
import mjml2html from 'mjml';

/** A mail body in both parts. */
export interface MailBody {
  html: string;
  text: string;
}

/** Fills a compiled mail template with a model. */
export type MailTemplate<M> = (model: M) => MailBody;

const hbs = Handlebars.create();

/** Compiles MJML source to mail-client-safe HTML (see emailSafe), failing on any MJML error. */
export async function compileMjml(source: string, name = 'template'): Promise<string> {
  const out = await mjml2html(source, { validationLevel: 'soft', keepComments: false });
  if (out.errors.length) throw new Error(`${name}: ${out.errors.map((e) => e.formattedMessage).join('; ')}`);
  return emailSafe(out.html);
}

/**
 * Keeps only what Gmail (all apps and webmail), Outlook (all) and Apple Mail render (caniemail data,
 * checked by @jsx-email/doiuse-email in the tests): no <style> or <link> (Gmail's mobile webmail and
 * Outlook's apps drop them; the layout is inline-styled and single-column, so nothing depends on
 * them), no <body> element (Outlook's apps replace it; the wrapper div carries the background),
 * no role/aria attributes and word-spacing (Windows Mail drops them). MJML's word-break:break-word
 * stays, though Windows Mail drops it too: without it a long URL in an abstract widens the column past
 * a phone's screen in every other client. Whitespace between tags is removed to stay far below Gmail's
 * 102 KB clipping. Paper text is escaped before it gets here, so none of these patterns can match inside it.
 */
export function emailSafe(html: string): string {
  return html
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/<link\b[^>]*>/g, '')
    .replace(/<!--\[if [^\]]*\]>\s*<!\[endif\]-->/g, '')
    .replace(/<\/?body\b[^>]*>/g, '')
    .replace(/\s(?:role|aria-[a-z]+)="[^"]*"/g, '')
    .replace(/word-spacing:[^;"]*;?/g, '')
    // Whitespace after a tag or a block helper ({{#if}}, {{/each}}) and before another: never text.
    .replace(/(>|\{\{[#/][^}]*\}\})\s+(?=<|\{\{[#/])/g, '$1');
}

/**
 * Compiles a mail's MJML and text sources. The MJML is compiled once, with its Handlebars tags
 * intact, into one fill function: each mail is a string fill, not another MJML run.
 */
export async function compileMailTemplate<M>(name: string, mjml: string, textSource: string): Promise<MailTemplate<M>> {
  const html = hbs.compile(await compileMjml(mjml, name), { strict: true });
  const text = hbs.compile(textSource, { noEscape: true, strict: true });
  return (model) => ({ html: mergeOutlookConditionals(html(model)), text: text(model) });
}

/** Joins adjacent Outlook-only comments the way MJML does when sections sit side by side. */
function mergeOutlookConditionals(html: string): string {
  return html.replace(/<!\[endif\]-->\s*?<!--\[if mso \| IE\]>/g, '');
}

/** The slow reference path: fills the MJML source first, then runs MJML. Tests compare it with the fast path. */
export async function renderMjmlDirect<M>(mjml: string, model: M, name = 'template'): Promise<string> {
  return compileMjml(hbs.compile(mjml)(model), name);
}
