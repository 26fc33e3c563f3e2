// Splits a JSON array into its top-level elements without parsing them, so one bad or cut-off
// element costs only itself and every rejection can name its entry and line.

/** One element's source text and where it starts. */
export interface JsonElement {
  text: string;
  start: number;
}

/** The elements found; `closed` is false when the text ends before the array does (a cut-off file). */
export interface SplitArray {
  elements: JsonElement[];
  closed: boolean;
}

/** Splits the array whose `[` is at `open` into element texts; a cut-off last element is returned as it is. */
export function splitJsonArray(text: string, open: number): SplitArray {
  const elements: JsonElement[] = [];
  let depth = 0;
  let start = -1;
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      if (start < 0) start = i;
      i = skipString(text, i);
      continue;
    }
    if (depth === 0 && (c === 44 /* , */ || c === 93 /* ] */)) {
      if (start >= 0) elements.push({ text: text.slice(start, i), start });
      start = -1;
      if (c === 93) return { elements, closed: true };
      continue;
    }
    if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth--;
    if (start < 0 && !(c === 32 || c === 10 || c === 13 || c === 9)) start = i;
  }
  if (start >= 0) elements.push({ text: text.slice(start), start });
  return { elements, closed: false };
}

/** Index of the closing quote of the string starting at `i` (or the end of the text). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92 /* \ */) j++;
    else if (c === 34) return j;
  }
  return text.length;
}
