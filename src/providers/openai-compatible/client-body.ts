import { type JsonObjectText, topLevelMembers } from '../kit/json-members.js';
import type { ChatRequest } from '../types.js';

/**
 * The client's own body text, kept beside the request parsed from it, so that a pass-through call
 * sends the client's bytes with only the model (and, for a stream, `stream_options`) swapped in,
 * instead of JSON.stringify of the whole parsed body. Keyed by the parsed object itself: a request
 * that is changed on the way (the system key's policy, a translated request) is a new object and
 * has no text here, so it is serialised as before. Nothing here is ever logged.
 */
interface ClientBody {
  text: string;
  /** Members of the parsed value's objects (checkJsonDepth's count). */
  members: number;
  /** The text's shape, found on the first call that needs it (a failover reuses it). */
  shape?: JsonObjectText | null;
}

const bodies = new WeakMap<ChatRequest, ClientBody>();

/**
 * Keeps `text` as the body of `chat`, which must be exactly the value JSON.parse made of it, not
 * changed since (the route's fast validation says yes only to such a value).
 */
export function keepClientBody(chat: ChatRequest, text: string, members: number): void {
  bodies.set(chat, { text, members });
}

/**
 * The client's text of `chat` with `model` set to `model` and, when given, `stream_options` set
 * to `streamOptions`: the same JSON value as JSON.stringify of the changed request. Undefined when
 * there is no text or it is unusual (a repeated key anywhere: parsers disagree on which one wins,
 * so only the parsed value's one is sent; see topLevelMembers for the rest).
 */
export function clientBodyWith(
  chat: ChatRequest,
  model: string,
  streamOptions?: Record<string, unknown>,
): string | undefined {
  const body = bodies.get(chat);
  if (!body) return undefined;
  if (body.shape === undefined) {
    const shape = topLevelMembers(body.text);
    body.shape = shape && shape.pairs === body.members ? shape : null;
  }
  const shape = body.shape;
  if (!shape) return undefined;
  const modelMember = shape.members.find((m) => m.key === 'model');
  if (!modelMember) return undefined;
  const edits: Edit[] = [{ start: modelMember.start, end: modelMember.end, text: JSON.stringify(model) }];
  if (streamOptions) {
    const value = JSON.stringify(streamOptions);
    const member = shape.members.find((m) => m.key === 'stream_options');
    if (member) edits.push({ start: member.start, end: member.end, text: value });
    // After the last member: the object has one at least (the model).
    else edits.push({ start: shape.close, end: shape.close, text: `,"stream_options":${value}` });
  }
  return applyEdits(body.text, edits);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length > 1 && (edits[1] as Edit).start < (edits[0] as Edit).start) edits.reverse();
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}
