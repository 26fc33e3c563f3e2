// Pure helpers that make titles and abstracts from feeds readable.
import { INVISIBLE_CHARS } from '../text.js';

const SYMBOLS: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η',
  theta: 'θ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ',
  sigma: 'σ', tau: 'τ', phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ',
  Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  deg: '°', circ: '°', times: '×', cdot: '·', pm: '±', leq: '≤', le: '≤', geq: '≥', ge: '≥',
  neq: '≠', approx: '≈', sim: '~', infty: '∞', to: '→', rightarrow: '→', leftarrow: '←',
  ell: 'ℓ', partial: '∂', nabla: '∇', sum: 'Σ', prod: 'Π', int: '∫', in: '∈', ldots: '…',
  dots: '…', cdots: '⋯', eg: 'e.g.', ie: 'i.e.', etal: 'et al.', textasciitilde: '~', LaTeX: 'LaTeX', TeX: 'TeX',
  '%': '%', '&': '&', '_': '_', '#': '#', '$': '$',
};

const ACCENTS: Record<string, string> = { '"': '\u0308', "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303' };

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decodes HTML entities once (`&amp;lt;` becomes `&lt;`, not `<`). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED_ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Turns LaTeX markup into readable text: `\emph{VL}` → VL, `$\alpha$` → α, `{\deg}` → °. */
export function readableLatex(s: string): string {
  let out = s.replace(/\\href\s*\{[^{}]*\}\s*\{([^{}]*)\}/g, '$1').replace(/\\url\s*\{([^{}]*)\}/g, '$1');
  // Accents such as \"i and \'e become the accented letter.
  out = out.replace(/\\(["'`^~])\{?([A-Za-z])\}?/g, (m, accent: string, letter: string) =>
    (letter + ACCENTS[accent]).normalize('NFC'));
  // Formatting commands keep their argument; repeat for nesting like \textbf{\emph{x}}.
  for (let i = 0; i < 3; i++) {
    out = out.replace(/\\(?:emph|textbf|textit|texttt|textsc|textrm|textsf|mathrm|mathbf|mathit|mathcal|mathbb|mathsf|mathtt|text|operatorname|boldsymbol|bm|underline|mbox)\s*\{([^{}]*)\}/g, '$1');
  }
  out = out.replace(/\\([A-Za-z]+|[%&_#$])(?![A-Za-z])\s?/g, (m, name: string) => {
    const sym = SYMBOLS[name];
    if (sym === undefined) return m;
    // Keep the space after words like \eg but not after symbols.
    return /\s$/.test(m) && /^[a-z]{2,}$/i.test(sym) ? sym + ' ' : sym;
  });
  // Inline math: drop the dollar signs, and braces that only grouped.
  out = out.replace(/\$([^$]{1,200})\$/g, (_m, inner: string) => inner.replace(/[{}]/g, ''));
  out = out.replace(/\{([^{}]*)\}/g, '$1');
  return out;
}

// Every \s but the plain space (spelled out: twice as fast as [^\S ] on long abstracts), two spaces, an edge space,
// or an invisible character (src/text.ts).
const NEEDS_WORK = new RegExp(`[\\t\\n\\v\\f\\r\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff${INVISIBLE_CHARS}]| {2}|^ | $`, 'u');
// A run of blanks and invisible characters: one space when it holds a blank, nothing when it holds only invisible ones.
const RUNS = new RegExp(`[\\s${INVISIBLE_CHARS}]+`, 'gu');
const foldRun = (run: string) => (/\s/.test(run) ? ' ' : '');

/** Collapses whitespace, decodes entities once (unless told the text has none), makes LaTeX readable and drops
 *  control and bidi/format characters (a decoded `&#x202e;` included). */
export function cleanText(s: string, entities = true): string {
  // Most text has no entities and no LaTeX: skip those regex passes (a large feed has thousands of abstracts).
  let out = entities && s.includes('&') ? decodeEntities(s) : s;
  if (/[\\${]/.test(out)) out = readableLatex(out);
  // Only copy the string when there is work: any non-space blank, a double space, an edge, an invisible character.
  // One pass does both, a third of the cost of stripping and then collapsing.
  return NEEDS_WORK.test(out) ? out.replace(RUNS, foldRun).trim() : out;
}
