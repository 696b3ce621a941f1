/**
 * @module Scanning JSON text without parsing it: shared by the watch stream splitter
 * (src/client/json-stream.ts) and the registry's stored-text splicing
 * (src/apiserver/registry/stored-json.ts).
 */

/**
 * The index of the quote closing the string that opens at `text[open]`, or -1 when the text
 * ends first. Quotes are found with indexOf (native, much faster than a loop over the
 * characters): a quote ends the string unless an odd run of backslashes stands right before it.
 */
export function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let b = quote - 1;
    while (b > open && text.charCodeAt(b) === 0x5c /* \ */) b--;
    if ((quote - 1 - b) % 2 === 0) return quote;
    from = quote + 1;
  }
}
