// The file `paperboy subscribers invite` reads: one address per line (bare, or as mailing-list exports write them:
// `Ada Lovelace <ada@lab.example.org>`), or CSV. Pure: text → sign-ups and bad lines.
import { parse } from 'csv-parse/sync';
import { subscriptionBody, type SubscriptionInput } from '../http/schemas.js';

/** One line that could not become a sign-up, and why. */
export interface BadLine {
  line: number;
  reason: string;
}

/** A sign-up read from the file, with the line it came from. */
export interface Invitation {
  line: number;
  input: Omit<SubscriptionInput, 'library'>;
}

/** Columns a header line may name; without a header the first column is the address and the others keywords. */
const COLUMNS = ['email', 'keywords', 'categories', 'authors', 'about', 'papers', 'timezone', 'hour', 'frequency', 'weekday'] as const;

/** A whole line that is one address with a display name: `Ada Lovelace <ada@…>`, `"Lovelace, Ada" <ada@…>` (a comma
 *  inside quotes), `ada@… (Ada Lovelace)`; the address, or null. */
function nameAddrLine(line: string): string | null {
  const m = /^\s*(?:"[^"]*"|[^"<>,]*)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(line) ?? /^\s*([^\s()<>,"]+@[^\s()<>,"]+)\s*\([^()]*\)\s*$/.exec(line);
  return m ? m[1] : null;
}

/** The address in a CSV cell written as a mailing list writes it (`Ada Lovelace <ada@…>`), else the cell as it is. */
function addressOf(cell: string): string {
  return /^[^<>]*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(cell)?.[1] ?? /^([^\s()]+@[^\s()]+)\s*\([^()]*\)$/.exec(cell)?.[1] ?? cell;
}

/** The fields of one CSV line, or the parser's complaint. */
function fields(text: string): string[] | string {
  try {
    const rows = parse(text, { relax_column_count: true, trim: true }) as string[][];
    return rows[0] ?? [];
  } catch (err) {
    return (err as Error).message.replace(/^Invalid Record Length: |^Invalid Opening Quote: /, '');
  }
}

/** A header line: its first field is `email` and every field names a known column. */
function headerOf(cells: string[]): string[] | null {
  const names = cells.map((c) => c.toLowerCase());
  return names[0] === 'email' && names.every((n) => (COLUMNS as readonly string[]).includes(n)) ? names : null;
}

/** The sign-up fields of a line: named by the header, or address then keywords. Lists inside a cell are split on `;` or `,`. */
function record(cells: string[], header: string[] | null): Record<string, string> {
  if (!header) return { email: cells[0] ?? '', keywords: cells.slice(1).filter(Boolean).join(',') };
  const r: Record<string, string> = {};
  header.forEach((name, i) => { if (cells[i]) r[name] = cells[i]; });
  return r;
}

/** Reads an invite file: blank lines and `#` comments are skipped, each other line is checked like a sign-up form. */
export function parseInviteFile(text: string): { invitations: Invitation[]; bad: BadLine[] } {
  const invitations: Invitation[] = [];
  const bad: BadLine[] = [];
  const seen = new Map<string, number>();
  let header: string[] | null = null;
  let first = true;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const named = nameAddrLine(raw);
    const cells = named ? [named] : fields(raw);
    if (typeof cells === 'string') return bad.push({ line, reason: `not a CSV line: ${cells}` });
    // Only the first line that holds anything may be a header.
    if (first) {
      first = false;
      header = headerOf(cells);
      if (header) return;
    }
    const r = record(cells, header);
    if (r.email) r.email = addressOf(r.email);
    const parsed = subscriptionBody.safeParse({ ...r, ...(r.keywords && { keywords: r.keywords.replace(/;/g, ',') }),
      ...(r.categories && { categories: r.categories.replace(/;/g, ',') }), ...(r.authors && { authors: r.authors.replace(/;/g, ',') }) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return bad.push({ line, reason: `${issue.path.join('.') || 'line'}: ${issue.message}` });
    }
    const key = parsed.data.email.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) return bad.push({ line, reason: `${parsed.data.email} is already on line ${earlier}` });
    seen.set(key, line);
    // An invite carries interests, never a library (that is the subscriber's own to upload).
    const { library: _, ...input } = parsed.data;
    invitations.push({ line, input });
  });
  return { invitations, bad };
}
