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
 *  inside quotes), `ada@… (Ada Lovelace)`; the address, or null. Linear: the name and the address are cut apart at the
 *  last `<` and checked by patterns with no overlapping repeats (one line of 20,000 spaces once took minutes). */
function nameAddrLine(line: string): string | null {
  const t = line.trim();
  const lt = t.lastIndexOf('<');
  if (lt >= 0 && t.endsWith('>')) {
    const addr = t.slice(lt + 1, -1);
    const name = t.slice(0, lt).trim();
    if (ADDRESS.test(addr) && (/^"[^"]*"$/.test(name) || /^[^"<>,]*$/.test(name))) return addr;
  }
  return commentedAddress(t, /[\s()<>,"]/);
}

/** A bare address: no space or angle bracket, one `@` after a local part without one. */
const ADDRESS = /^[^<>\s@]+@[^<>\s]+$/;

/** `ada@… (Ada Lovelace)`: the address before a parenthesised comment (no character of `not` in the address), or null. */
function commentedAddress(t: string, not: RegExp): string | null {
  const open = t.indexOf('(');
  if (open <= 0 || !t.endsWith(')') || t.indexOf(')') !== t.length - 1 || t.lastIndexOf('(') !== open) return null;
  const addr = t.slice(0, open).trimEnd();
  const at = addr.indexOf('@');
  return at > 0 && at < addr.length - 1 && !not.test(addr) ? addr : null;
}

/** The address in a CSV cell written as a mailing list writes it (`Ada Lovelace <ada@…>`), else the cell as it is. */
function addressOf(cell: string): string {
  const lt = cell.lastIndexOf('<');
  const close = cell.trimEnd();
  if (lt >= 0 && close.endsWith('>') && !/[<>]/.test(cell.slice(0, lt)) && ADDRESS.test(close.slice(lt + 1, -1))) return close.slice(lt + 1, -1);
  return commentedAddress(cell, /[\s()]/) ?? cell;
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
