/**
 * @module `$(VAR)` expansion in env values, command and args, as Kubernetes does it
 * (third_party/forked/golang/expansion): a defined `$(VAR)` is replaced, an undefined one stays
 * as written, `$$` is a literal `$`, an unterminated `$(` stays. Pure.
 */

/** Expands `input` with `lookup` (undefined: leave the reference as written). */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close >= 0) {
        const name = input.slice(cursor + 2, close);
        const value = lookup(name);
        out += value ?? `$(${name})`;
        advance = close - cursor;
      } else {
        out += '$(';
      }
    } else {
      out += `$${next}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** A lookup over maps, first match wins. */
export function mapping(...maps: Array<Map<string, string>>): (name: string) => string | undefined {
  return (name) => {
    for (const m of maps) if (m.has(name)) return m.get(name);
    return undefined;
  };
}
