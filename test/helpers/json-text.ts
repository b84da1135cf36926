import { toBodyText } from './chat-bodies.js';

/**
 * A JSON text of `value` written the many ways a client may write it, each choice taken from
 * `choices` (a fast-check infinite stream of naturals): white space anywhere, escapes in strings
 * and keys (`\u00e9`, `\/`, `\"`), numbers spelt `1.0`, `10e-1`, `-0` or overflowing (`1e999`), a
 * key written twice (the first one then loses). The value is put through `toBodyText` first, so
 * the stand-in key becomes `__proto__`. Parse the text for the value it stands for.
 */
export function jsonText(value: unknown, choices: Iterator<number>, repeatKeys = true): string {
  const pick = (n: number) => (choices.next().value as number) % n;
  const space = () => [' ', '', '', '', '\n  ', '\t', '\r\n'][pick(7)] as string;

  function str(s: string): string {
    if (pick(12) !== 0) return JSON.stringify(s);
    let out = '"';
    for (const ch of s) {
      const c = ch.codePointAt(0) as number;
      const how = pick(6);
      if (ch === '"' || ch === '\\' || c < 0x20 || how === 0) out += escapeUnits(ch);
      else if (ch === '/' && how === 1) out += '\\/';
      else out += ch;
    }
    return `${out}"`;
  }

  function num(n: number): string {
    const plain = JSON.stringify(n);
    const exponent = /e/i.test(plain);
    switch (pick(24)) {
      case 0:
        return Number.isInteger(n) && !exponent ? `${plain}.0` : plain;
      case 1:
        return n === 0 ? '-0' : plain;
      case 2:
        return exponent ? plain : `${plain}e0`;
      case 3:
        return n === 0 ? '-0.0' : exponent ? plain : `${plain}E+0`;
      case 4:
        return ['1e999', '-2E400', '-1e-400', '1e-400'][pick(4)] as string;
      default:
        return plain;
    }
  }

  function write(v: unknown): string {
    if (v === null || typeof v === 'boolean') return String(v);
    if (typeof v === 'number') return num(v);
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return `[${space()}${v.map((x) => write(x) + space()).join(`,${space()}`)}]`;
    const parts: string[] = [];
    for (const k of Object.keys(v as object)) {
      const item = (v as Record<string, unknown>)[k];
      // Rarely, the key once before with another value: JSON.parse keeps the last.
      if (repeatKeys && pick(40) === 0) parts.push(`${str(k)}:${space()}"an earlier value"`);
      parts.push(`${space()}${str(k)}${space()}:${space()}${write(item)}${space()}`);
    }
    return `{${parts.join(',')}${parts.length ? '' : space()}}`;
  }

  return space() + write(JSON.parse(toBodyText(value))) + space();
}

function escapeUnits(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
