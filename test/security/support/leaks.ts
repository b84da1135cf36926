/**
 * What counts as a key leaking (test code only): the key, or any run of 8+ of its characters with
 * whitespace removed and case ignored, or a run of its hex or base64 forms at any byte alignment.
 */
const RUN = 8;

function windows(s: string, run = RUN): string[] {
  const out: string[] = [];
  for (let i = 0; i + run <= s.length; i++) out.push(s.slice(i, i + run).toLowerCase());
  return out;
}

/** The encodings an upstream could echo a key in, reduced to the part that depends on the key alone. */
export function encodedForms(key: string): string[] {
  const bytes = Buffer.from(key);
  const forms = [bytes.toString('hex')];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    forms.push(
      b64.slice(Math.ceil((pad * 8) / 6) + 1, -4),
      b64
        .slice(Math.ceil((pad * 8) / 6) + 1, -4)
        .replaceAll('+', '-')
        .replaceAll('/', '_'),
    );
  }
  return forms;
}

/** Which forms of `key` show in `text` (empty when none). */
export function leaksOf(key: string, text: string): string[] {
  const hay = text.replace(/\s+/g, '').toLowerCase();
  const found: string[] = [];
  for (const w of windows(key)) if (hay.includes(w)) found.push(`key run ${w}`);
  for (const form of encodedForms(key)) {
    // Encoded runs are checked 12 long: 8 base64 or hex characters hold only 6 or 4 of the key's bytes.
    for (const w of windows(form, 12)) if (hay.includes(w)) found.push(`encoded run ${w}`);
  }
  return found;
}

/** Everything a client sees of a response: status line, headers and body. */
export async function seenByClient(res: Response): Promise<string> {
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  return `${res.status}\n${headers}\n\n${await res.text()}`;
}

/** The ways a malicious upstream might echo a key. */
export function echoes(key: string): [string, string][] {
  const mid = Math.floor(key.length / 2);
  return [
    ['whole', key],
    ['split by a space', `${key.slice(0, mid)} ${key.slice(mid)}`],
    ['split across lines', `${key.slice(0, 12)}\n${key.slice(12, mid)}\r\n${key.slice(mid)}`],
    ['its last 24 characters', key.slice(-24)],
    ['upper-cased', key.toUpperCase()],
    ['base64', Buffer.from(key).toString('base64')],
    ['base64 in a Basic header', Buffer.from(`user:${key}`).toString('base64')],
    ['hex', Buffer.from(key).toString('hex')],
    ['JSON-escaped inside text', JSON.stringify({ k: key }).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(key)],
  ];
}
