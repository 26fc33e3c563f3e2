// Text from strangers (sign-up forms) and from feeds (titles, abstracts, authors) is stored and printed
// in mails and pages. Characters that are invisible or reorder what is shown around them have no
// place there: C0/C1 controls (NUL, ESC, …) and format characters (zero-width spaces and joiners,
// bidi overrides and isolates, the soft hyphen, the BOM). Tabs and line breaks are whitespace, kept
// for each caller to fold. The joiners go too: an emoji sequence then shows as its separate emoji.

/** For a regex character class (with the `u` flag): controls other than tab, line feed, vertical tab, form feed and
 *  carriage return; every format character (Cf). */
export const INVISIBLE_CHARS = '\\0-\\x08\\x0e-\\x1f\\x7f-\\x9f\\p{Cf}';
const INVISIBLE = new RegExp(`[${INVISIBLE_CHARS}]`, 'u');
const INVISIBLE_ALL = new RegExp(`[${INVISIBLE_CHARS}]`, 'gu');

/** `text` without control and bidi/format characters (whitespace controls are left for the caller to fold). */
export function stripInvisible(text: string): string {
  // Most text has none: test once before copying.
  return INVISIBLE.test(text) ? text.replace(INVISIBLE_ALL, '') : text;
}

/** One line of free text as it may be stored: invisible characters gone, blanks folded to one space, trimmed. */
export function cleanLine(text: string): string {
  return stripInvisible(text).replace(/\s+/g, ' ').trim();
}

/** A paragraph of free text as it may be stored: invisible characters gone, line breaks kept as `\n`, other blanks folded. */
export function cleanParagraph(text: string): string {
  return stripInvisible(text).replace(/\r\n?/g, '\n').replace(/[^\S\n]+/g, ' ').replace(/ *\n */g, '\n').trim();
}
