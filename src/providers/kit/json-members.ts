/**
 * Where the top-level members of a JSON object's text are, so that one member can be replaced in
 * the client's own text instead of re-serialising the whole parsed body. The text must already
 * have passed JSON.parse: this scanner trusts the grammar and only tracks strings (with their
 * escapes) and nesting, jumping from quote to quote with indexOf so that long strings (a base64
 * image) cost a native search, not a loop in JavaScript.
 */

/** One top-level `"key": value`: `key` as written between the quotes, `[start, end)` its value. */
interface JsonMember {
  key: string;
  start: number;
  end: number;
}

export interface JsonObjectText {
  members: JsonMember[];
  /** `"key": value` pairs at every depth: more than the parsed value holds when a key repeats. */
  pairs: number;
  /** Index of the object's closing `}`. */
  close: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_F = 0x66;
const LOWER_T = 0x74;
const LOWER_N = 0x6e;

/**
 * The top-level members of `text`, or undefined when the text is not one a member can be swapped
 * in: not an object, a top-level key written with an escape (its parsed name could be any member's),
 * or a number that JSON.stringify would not give back as the same value (`1e999` parses to
 * Infinity and is re-serialised as `null`; `-0` and `-1e-400` come back as `0`).
 */
export function topLevelMembers(text: string): JsonObjectText | undefined {
  const scan = new Scan(text);
  let i = scan.skipSpace(0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  const members: JsonMember[] = [];
  i = scan.skipSpace(i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return { members, pairs: 0, close: i };
  for (;;) {
    const keyEnd = scan.stringEnd(i);
    const key = text.slice(i + 1, keyEnd);
    if (key.includes('\\')) return undefined;
    i = scan.skipSpace(keyEnd + 1); // at the colon
    scan.pairs++;
    const start = scan.skipSpace(i + 1);
    const end = scan.valueEnd(start);
    if (end < 0) return undefined;
    members.push({ key, start, end });
    i = scan.skipSpace(end);
    if (text.charCodeAt(i) === CLOSE_BRACE) return { members, pairs: scan.pairs, close: i };
    i = scan.skipSpace(i + 1); // past the comma, at the next key
  }
}

class Scan {
  pairs = 0;
  constructor(private readonly text: string) {}

  skipSpace(i: number): number {
    const { text } = this;
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; )
      c = text.charCodeAt(++i);
    return i;
  }

  /** The index of the quote that closes the string opened at `open`. */
  stringEnd(open: number): number {
    const { text } = this;
    for (let q = text.indexOf('"', open + 1); ; q = text.indexOf('"', q + 1)) {
      let backslashes = 0;
      while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return q;
    }
  }

  /** Just past the value that starts at `i`, counting the pairs inside it; -1 past a number that is not plain. */
  valueEnd(i: number): number {
    const { text } = this;
    let depth = 0;
    do {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = this.stringEnd(i) + 1;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
      else if (c === COLON) this.pairs++;
      else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
        const start = i;
        i = numberEnd(text, i);
        if (!isPlainNumber(text, start, i)) return -1;
        continue;
      } else if (c === LOWER_F || c === LOWER_T || c === LOWER_N) {
        i += c === LOWER_F ? 5 : 4; // false, true, null
        continue;
      }
      i++; // a bracket, colon, comma or white space
    } while (depth > 0);
    return i;
  }
}

function numberEnd(text: string, i: number): number {
  for (
    let c = text.charCodeAt(++i);
    (c >= DIGIT_0 && c <= DIGIT_9) || c === 0x2e || c === 0x2b || c === MINUS || c === 0x65 || c === 0x45;
  )
    c = text.charCodeAt(++i);
  return i;
}

/** A number JSON.stringify gives back as the same value: not one that overflows, not -0. */
function isPlainNumber(text: string, start: number, end: number): boolean {
  const n = Number(text.slice(start, end));
  return Number.isFinite(n) && !Object.is(n, -0);
}
