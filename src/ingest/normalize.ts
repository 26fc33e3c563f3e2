// arXiv identifiers as feeds spell them, reduced to the one form Paperboy stores.

// New style: 2401.12345 (since 2015 five digits, before four). Old style: quant-ph/0201082, math.GT/0309136.
const NEW_ID = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_ID = /^([a-z][a-z-]*(?:\.[A-Za-z]{2})?\/\d{7})(?:v(\d+))?$/;

/** Strips the prefixes feeds put around an id: `oai:arXiv.org:`, `arXiv:`, `…/abs/`, `…/pdf/`, a `.pdf` suffix. */
function stripId(raw: string): string {
  return raw.trim()
    .replace(/^oai:arxiv\.org:/i, '')
    .replace(/^arxiv:/i, '')
    .replace(/^https?:\/\/[^/]*arxiv\.org\/(?:abs|pdf|html)\//i, '')
    .replace(/\.pdf$/i, '');
}

/** The bare arXiv id without version (`quant-ph/0201082v1` → `quant-ph/0201082`), or null when `raw` is no arXiv id. */
export function normalizeArxivId(raw: string): string | null {
  const s = stripId(raw);
  const m = NEW_ID.exec(s) ?? OLD_ID.exec(s);
  return m ? m[1] : null;
}

/** The version number in an id such as `2401.12345v3`, or null when the id names none. */
export function arxivVersion(raw: string): number | null {
  const s = stripId(raw);
  const m = NEW_ID.exec(s) ?? OLD_ID.exec(s);
  return m && m[2] ? Number(m[2]) : null;
}

/** The abstract page of an arXiv paper. */
export function absUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

/** The PDF of an arXiv paper. */
export function pdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}
