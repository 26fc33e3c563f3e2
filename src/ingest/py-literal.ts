// Reads a Python literal (the `repr` of a dict) as JSON would: some saved Hugging Face files hold entries
// as strings like "{'paper': {'id': '2412.07730', 'hidden': False}}". Only literals: no calls, no names.

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Parses a Python literal of dicts, lists, tuples, strings, numbers, True, False and None; throws naming the offset. */
export function parsePyLiteral(src: string): unknown {
  let i = 0;
  const fail = (what: string): never => { throw new Error(`${what} at character ${i + 1}`); };
  const ws = (): void => { while (i < src.length && /\s/.test(src[i])) i++; };

  const string = (): string => {
    const quote = src[i++];
    let out = '';
    while (i < src.length && src[i] !== quote) {
      if (src[i] !== '\\') { out += src[i++]; continue; }
      const e = src[i + 1];
      if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = src.slice(i + 2, i + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail('bad escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + len;
      } else {
        out += ESCAPES[e] ?? '\\' + e;
        i += 2;
      }
    }
    if (i >= src.length) fail('unterminated string');
    i++;
    return out;
  };

  const items = (close: string, item: () => void): void => {
    i++;
    for (ws(); src[i] !== close; ws()) {
      item();
      ws();
      if (src[i] === ',') i++;
      else if (src[i] !== close) fail(`expected , or ${close}`);
    }
    i++;
  };

  const value = (): unknown => {
    ws();
    const c = src[i];
    if (c === '{') {
      const obj: Record<string, unknown> = {};
      items('}', () => {
        const key = value();
        ws();
        if (src[i++] !== ':') fail('expected :');
        obj[String(key)] = value();
      });
      return obj;
    }
    if (c === '[' || c === '(') {
      const arr: unknown[] = [];
      items(c === '[' ? ']' : ')', () => arr.push(value()));
      return arr;
    }
    if (c === "'" || c === '"') {
      let s = string();
      // Adjacent literals concatenate, as in Python.
      for (ws(); src[i] === "'" || src[i] === '"'; ws()) s += string();
      return s;
    }
    const word = /^(True|False|None|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(src.slice(i, i + 40));
    if (!word) return fail('unexpected ' + (c === undefined ? 'end of input' : JSON.stringify(c)));
    i += word[1].length;
    return word[1] === 'True' ? true : word[1] === 'False' ? false : word[1] === 'None' ? null : Number(word[1]);
  };

  const result = value();
  ws();
  if (i < src.length) fail('unexpected text after the value');
  return result;
}
