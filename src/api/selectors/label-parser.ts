/**
 * @module The label selector parser of k8s.io/apimachinery/pkg/labels/selector.go (v0.33,
 * Kubernetes 1.33), token for token and message for message:
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= ["!"] KEY [ ("in"|"notin") "(" VALUES ")" | ("="|"=="|"!="|">"|"<") VALUE ]
 *
 * Whitespace (space, tab, CR, LF) separates tokens; a NUL byte ends the input, as Go's lexer
 * reads it. Failures throw a 400 BadRequest with upstream's text, e.g.
 * `unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt`.
 * 1.33 quirk kept on purpose: `x in (a,,)` fails (fixed upstream in 1.35).
 */
import { newBadRequest } from '../errors.js';
import { fieldErrorString, NIL_PATH } from '../validation/field-errors.js';
import { compareGoStrings } from '../validation/go-format.js';
import { BINARY_OPERATORS, EVERYTHING, labelKeyError, newRequirement, type Operator, type Requirement, type Selector, selectorOf } from './labels.js';

type Token =
  | 'error'
  | 'eos'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

const STRING_TO_TOKEN: ReadonlyMap<string, Token> = new Map([
  [')', 'closedPar'],
  [',', 'comma'],
  ['!', 'doesNotExist'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'greaterThan'],
  ['in', 'in'],
  ['<', 'lessThan'],
  ['!=', 'notEquals'],
  ['notin', 'notIn'],
  ['(', 'openPar'],
]);

interface Item {
  tok: Token;
  lit: string;
}

const NUL = '\0';

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return ch.length === 1 && '=!(),><'.includes(ch);
}

/** The Lexer: reads UTF-16 units; every special character is ASCII, so splits match Go's bytes. */
class Lexer {
  #s: string;
  #pos = 0;

  constructor(s: string) {
    this.#s = s;
  }

  #read(): string {
    if (this.#pos < this.#s.length) return this.#s[this.#pos++];
    return NUL;
  }

  #unread(): void {
    this.#pos--;
  }

  #scanIdOrKeyword(): Item {
    let buffer = '';
    for (;;) {
      const ch = this.#read();
      if (ch === NUL) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.#unread();
        break;
      }
      buffer += ch;
    }
    const tok = STRING_TO_TOKEN.get(buffer);
    return tok ? { tok, lit: buffer } : { tok: 'identifier', lit: buffer };
  }

  #scanSpecialSymbol(): Item {
    let last: Item | null = null;
    let buffer = '';
    for (;;) {
      const ch = this.#read();
      if (ch === NUL) break;
      if (!isSpecialSymbol(ch)) {
        this.#unread();
        break;
      }
      buffer += ch;
      const tok = STRING_TO_TOKEN.get(buffer);
      if (tok) {
        last = { tok, lit: buffer };
      } else if (last) {
        this.#unread();
        break;
      }
    }
    return last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` };
  }

  lex(): Item {
    let ch = this.#read();
    while (isWhitespace(ch)) ch = this.#read();
    if (ch === NUL) return { tok: 'eos', lit: '' };
    this.#unread();
    return isSpecialSymbol(ch) ? this.#scanSpecialSymbol() : this.#scanIdOrKeyword();
  }
}

type Context = 'keyAndOperator' | 'values';

class ParseError extends Error {}

function fail(message: string): never {
  throw new ParseError(message);
}

class Parser {
  #items: Item[] = [];
  #pos = 0;

  constructor(input: string) {
    const lexer = new Lexer(input);
    for (;;) {
      const item = lexer.lex();
      this.#items.push(item);
      if (item.tok === 'eos') break;
    }
  }

  #adjust(item: Item, context: Context): Item {
    if (context === 'values' && (item.tok === 'in' || item.tok === 'notIn')) return { tok: 'identifier', lit: item.lit };
    return item;
  }

  #lookahead(context: Context): Item {
    return this.#adjust(this.#items[this.#pos], context);
  }

  #consume(context: Context): Item {
    return this.#adjust(this.#items[this.#pos++], context);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.#lookahead('values');
      if (tok === 'eos') return requirements;
      if (tok !== 'identifier' && tok !== 'doesNotExist') fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.#parseRequirement());
      } catch (err) {
        if (err instanceof ParseError) fail(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const next = this.#consume('values');
      if (next.tok === 'eos') return requirements;
      if (next.tok !== 'comma') fail(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.#lookahead('values');
      if (after.tok !== 'identifier' && after.tok !== 'doesNotExist') fail(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  #parseRequirement(): Requirement {
    const { key, operator } = this.#parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return this.#newRequirement(key, operator, []);
    const op = this.#parseOperator();
    const values = op === 'in' || op === 'notin' ? this.#parseValues() : this.#parseExactValue();
    return this.#newRequirement(key, op, [...values].sort(compareGoStrings));
  }

  #newRequirement(key: string, op: Operator, values: string[]): Requirement {
    try {
      return newRequirement(key, op, values);
    } catch (err) {
      // NewRequirement's aggregate error becomes the text after "unable to parse requirement: ".
      fail((err as Error).message);
    }
  }

  #parseKeyAndInferOperator(): { key: string; operator: Operator | '' } {
    let operator: Operator | '' = '';
    let item = this.#consume('values');
    if (item.tok === 'doesNotExist') {
      operator = '!';
      item = this.#consume('values');
    }
    if (item.tok !== 'identifier') fail(`found '${item.lit}', expected: identifier`);
    const keyErr = labelKeyError(item.lit, NIL_PATH);
    if (keyErr) fail(fieldErrorString(keyErr));
    const next = this.#lookahead('values').tok;
    if ((next === 'eos' || next === 'comma') && operator !== '!') operator = 'exists';
    return { key: item.lit, operator };
  }

  #parseOperator(): Operator {
    const { tok, lit } = this.#consume('keyAndOperator');
    switch (tok) {
      case 'in':
        return 'in';
      case 'equals':
        return '=';
      case 'doubleEquals':
        return '==';
      case 'greaterThan':
        return 'gt';
      case 'lessThan':
        return 'lt';
      case 'notIn':
        return 'notin';
      case 'notEquals':
        return '!=';
      default:
        fail(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  #parseValues(): Set<string> {
    const open = this.#consume('values');
    if (open.tok !== 'openPar') fail(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.#lookahead('values');
    if (tok === 'identifier' || tok === 'comma') {
      const set = this.#parseIdentifiersList();
      if (this.#consume('values').tok !== 'closedPar') fail(`found '${lit}', expected: ')'`);
      return set;
    }
    if (tok === 'closedPar') {
      this.#consume('values');
      return new Set(['']);
    }
    fail(`found '${lit}', expected: ',', ')' or identifier`);
  }

  #parseIdentifiersList(): Set<string> {
    const set = new Set<string>();
    for (;;) {
      const { tok, lit } = this.#consume('values');
      if (tok === 'identifier') {
        set.add(lit);
        const next = this.#lookahead('values');
        if (next.tok === 'comma') continue;
        if (next.tok === 'closedPar') return set;
        fail(`found '${next.lit}', expected: ',' or ')'`);
      } else if (tok === 'comma') {
        if (set.size === 0) set.add(''); // "(,"
        const next = this.#lookahead('values').tok;
        if (next === 'closedPar') {
          set.add(''); // ",)"
          return set;
        }
        if (next === 'comma') {
          // 1.33 consumes the second comma here, so ",,)" then meets ")" where it wants a value.
          this.#consume('values');
          set.add('');
        }
      } else {
        fail(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  #parseExactValue(): Set<string> {
    const next = this.#lookahead('values').tok;
    if (next === 'eos' || next === 'comma') return new Set(['']);
    const { tok, lit } = this.#consume('values');
    if (tok === 'identifier') return new Set([lit]);
    fail(`found '${lit}', expected: identifier`);
  }
}

/** The requirements of a selector string, unsorted, as labels.ParseToRequirements gives them (before its sort). */
function parseRequirements(input: string): Requirement[] {
  try {
    return new Parser(input).parse();
  } catch (err) {
    if (err instanceof ParseError) throw newBadRequest(err.message);
    throw err;
  }
}

/**
 * labels.Parse: a selector string (`a=b,c in (x,y),!d`) into a Selector sorted by key. An
 * empty or blank string is Everything. Throws a 400 BadRequest with upstream's message.
 */
export function parseLabelSelector(input: string): Selector {
  const reqs = parseRequirements(input);
  return reqs.length ? selectorOf(reqs) : EVERYTHING;
}
