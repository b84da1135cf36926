/**
 * The closure state of one translated stream and the OpenAI chunks it writes
 * (https://platform.openai.com/docs/api-reference/chat-streaming): every chunk repeats the message
 * id, `created` and model; the first one carries `role: "assistant"`; with `include_usage` every
 * chunk has `"usage": null` and one extra chunk with `choices: []` carries the totals before
 * `[DONE]`. Chunks are built as strings around a prefix computed once per stream.
 */

import type { RelayOutput } from '../kit/create-relay.js';
import type { CallContext } from '../types.js';
import { mergeUsage, toOpenAIUsage } from './usage.js';
import type { AnthropicUsage } from './wire-types.js';

export type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking' }
  /** A client tool call; `index` counts tool calls only, as OpenAI's tool_calls[].index does. */
  | { kind: 'tool'; index: number }
  /** The gateway's JSON tool: its input is the answer's text. */
  | { kind: 'json' }
  | { kind: 'other' };

export interface StreamState {
  readonly call: CallContext;
  readonly created: number;
  /** The client's side of the relay: chunks, usage, the end. */
  readonly out: RelayOutput;
  /** The chunk text up to `"choices":`, set once the message id is known. */
  head: string | undefined;
  /** Anthropic's block index → what the block is. */
  blocks: Map<number, BlockState>;
  toolCount: number;
  jsonAnswer: boolean;
  stopReason: unknown;
  usage: AnthropicUsage;
  usageSeen: boolean;
}

export function createStreamState(call: CallContext, out: RelayOutput): StreamState {
  return {
    call,
    created: Math.floor(Date.now() / 1000),
    out,
    head: undefined,
    blocks: new Map(),
    toolCount: 0,
    jsonAnswer: false,
    stopReason: null,
    usage: {},
    usageSeen: false,
  };
}

/** Fixes the id and model every chunk repeats, and writes the first chunk with the role. */
export function start(s: StreamState, id: string, model: string): void {
  if (s.head !== undefined) return;
  s.head = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${s.created},"model":${JSON.stringify(model)},"choices":`;
  writeChoice(s, '{"role":"assistant","content":""}', 'null');
}

function writeChoice(s: StreamState, delta: string, finish: string): void {
  const usage = s.call.includeUsage ? ',"usage":null' : '';
  s.out.writeText(
    `data: ${s.head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]${usage}}\n\n`,
  );
}

/** One delta chunk; `delta` is JSON text. A stream without message_start still starts with the role. */
export function writeDelta(s: StreamState, delta: string): void {
  if (s.head === undefined) start(s, 'msg_unknown', s.call.upstreamModel);
  writeChoice(s, delta, 'null');
}

/** Merges a usage report (cumulative, as Anthropic sends them) into what the relay will report. */
export function noteUsage(s: StreamState, usage: Record<string, unknown>): void {
  mergeUsage(s.usage, usage);
  s.usageSeen = true;
  s.out.trackUsage(toOpenAIUsage(s.usage));
}

/** The clean end: finish reason, the usage chunk if asked for, `[DONE]`. */
export function finish(s: StreamState, reason: string): void {
  if (s.head === undefined) start(s, 'msg_unknown', s.call.upstreamModel);
  writeChoice(s, '{}', JSON.stringify(reason));
  if (s.call.includeUsage && s.usageSeen) {
    s.out.writeText(`data: ${s.head}[],"usage":${JSON.stringify(toOpenAIUsage(s.usage))}}\n\n`);
  }
  s.out.done();
}
