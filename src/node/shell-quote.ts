/** @module Quoting for sh, in one small module: the agent's shell chains, its launcher's argv and the CLI's node start all use it. */

/** Quotes one word for sh: plain words as they are, anything else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
