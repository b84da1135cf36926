import { topLevelMembers } from '../kit/json-members.js';
import type { ClientBody } from '../types.js';

/**
 * The client's own body text with the model (and, for a stream, `stream_options`) swapped in: a
 * pass-through call sends the client's bytes instead of JSON.stringify of the whole parsed body
 * (the body's text is only there while the request is still its parsed value, see ClientBody).
 * The same JSON value as serialising the changed request. Undefined when the text is unusual: a
 * repeated key anywhere (parsers disagree on which one wins, so only the parsed value's one is
 * sent), and what topLevelMembers refuses. Nothing here is ever logged.
 */
export function clientBodyWith(
  body: ClientBody,
  model: string,
  streamOptions?: Record<string, unknown>,
): string | undefined {
  if (body.shape === undefined) {
    const shape = topLevelMembers(body.text);
    body.shape = shape && shape.pairs === body.members ? shape : null;
  }
  const shape = body.shape;
  if (!shape) return undefined;
  let modelAt: { start: number; end: number } | undefined;
  let optionsAt: { start: number; end: number } | undefined;
  for (const member of shape.members) {
    if (member.key === 'model') modelAt = member;
    else if (member.key === 'stream_options') optionsAt = member;
  }
  if (!modelAt) return undefined;
  const edits = [{ ...modelAt, text: JSON.stringify(model) }];
  if (streamOptions) {
    const optionsText = JSON.stringify(streamOptions);
    // After the last member when the client sent none: the object has one at least (the model).
    edits.push(
      optionsAt
        ? { ...optionsAt, text: optionsText }
        : { start: shape.close, end: shape.close, text: `,"stream_options":${optionsText}` },
    );
    if (edits[1]!.start < edits[0]!.start) edits.reverse();
  }
  const { text } = body;
  let out = '';
  let from = 0;
  for (const e of edits) {
    out += text.slice(from, e.start) + e.text;
    from = e.end;
  }
  return out + text.slice(from);
}
