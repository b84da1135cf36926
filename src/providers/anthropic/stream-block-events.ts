/**
 * `content_block_start` and `content_block_delta`
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): text → `content` deltas,
 * thinking → `reasoning_content` deltas, a tool_use block → its first tool call delta (index, id,
 * type, name, empty arguments) and then its `input_json_delta` pieces as argument deltas. The
 * gateway's JSON tool streams its input as `content`. Signatures, citations, redacted thinking and
 * unknown blocks carry nothing an OpenAI client reads. `content_block_stop` needs no output.
 */

import { isRecord } from '../kit/records.js';
import { JSON_TOOL_NAME } from './json-output.js';
import { type BlockState, type StreamState, writeDelta } from './stream-state.js';

const str = JSON.stringify;

function text(s: StreamState, value: unknown): void {
  if (typeof value === 'string' && value !== '') writeDelta(s, `{"content":${str(value)}}`);
}

function reasoning(s: StreamState, value: unknown): void {
  if (typeof value === 'string' && value !== '') writeDelta(s, `{"reasoning_content":${str(value)}}`);
}

function toolBlock(s: StreamState, block: Record<string, unknown>): BlockState {
  const name = typeof block.name === 'string' ? block.name : '';
  if (name === JSON_TOOL_NAME) {
    s.jsonAnswer = true;
    return { kind: 'json' };
  }
  const index = s.toolCount++;
  const id = typeof block.id === 'string' ? block.id : `toolu_${index}`;
  const call = { index, id, type: 'function', function: { name, arguments: '' } };
  writeDelta(s, `{"tool_calls":[${str(call)}]}`);
  return { kind: 'tool', index };
}

export function onBlockStart(s: StreamState, data: Record<string, unknown>): void {
  const { index, content_block: block } = data;
  if (typeof index !== 'number' || !isRecord(block)) return;
  let state: BlockState;
  switch (block.type) {
    case 'text':
      state = { kind: 'text' };
      text(s, block.text);
      break;
    case 'thinking':
      state = { kind: 'thinking' };
      reasoning(s, block.thinking);
      break;
    case 'tool_use':
      state = toolBlock(s, block);
      break;
    default:
      state = { kind: 'other' };
  }
  s.blocks.set(index, state);
}

export function onBlockDelta(s: StreamState, data: Record<string, unknown>): void {
  const { index, delta } = data;
  if (typeof index !== 'number' || !isRecord(delta)) return;
  // A delta for a block that never started is read by its own type.
  const block = s.blocks.get(index);
  switch (delta.type) {
    case 'text_delta':
      if (block === undefined || block.kind === 'text') text(s, delta.text);
      break;
    case 'thinking_delta':
      if (block === undefined || block.kind === 'thinking') reasoning(s, delta.thinking);
      break;
    case 'input_json_delta': {
      const piece = delta.partial_json;
      if (typeof piece !== 'string' || piece === '') break;
      if (block?.kind === 'tool') {
        writeDelta(s, `{"tool_calls":[{"index":${block.index},"function":{"arguments":${str(piece)}}}]}`);
      } else if (block?.kind === 'json') {
        text(s, piece);
      }
      break;
    }
    default:
    // signature_delta, citations_delta and types newer than this file
  }
}
