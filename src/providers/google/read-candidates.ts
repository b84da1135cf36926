/**
 * A GenerateContentResponse (a whole answer, or one stream event) read from unknown JSON into the
 * few things the gateway uses (https://ai.google.dev/api/generate-content). Anything malformed is
 * skipped, never thrown: a bad part is data. Parts the chat completions format cannot carry
 * (inline images, executable code) are left out.
 */

import { isRecord } from '../kit/records.js';
import type { Usage } from '../types.js';
import { toUsage } from './usage.js';

export type PartView =
  | { kind: 'text'; text: string }
  | { kind: 'thought'; text: string }
  | { kind: 'call'; name: string; args: Record<string, unknown>; signature: string | undefined };

export interface CandidateView {
  index: number;
  parts: PartView[];
  finishReason: string | undefined;
}

export interface ResponseView {
  candidates: CandidateView[];
  /** `promptFeedback.blockReason`: the prompt itself was refused. */
  blockReason: string | undefined;
  usage: Usage | undefined;
  modelVersion: string | undefined;
  responseId: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function viewPart(part: unknown): PartView | undefined {
  if (!isRecord(part)) return undefined;
  const call = part.functionCall;
  if (isRecord(call)) {
    const name = str(call.name);
    if (!name) return undefined;
    return {
      kind: 'call',
      name,
      args: isRecord(call.args) ? call.args : {},
      signature: str(part.thoughtSignature),
    };
  }
  if (typeof part.text === 'string') {
    return part.thought === true ? { kind: 'thought', text: part.text } : { kind: 'text', text: part.text };
  }
  return undefined;
}

function viewCandidate(candidate: unknown, position: number): CandidateView | undefined {
  if (!isRecord(candidate)) return undefined;
  const content = candidate.content;
  const rawParts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
  const parts: PartView[] = [];
  for (const p of rawParts) {
    const view = viewPart(p);
    if (view) parts.push(view);
  }
  const index = candidate.index;
  return {
    index: typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : position,
    parts,
    finishReason: str(candidate.finishReason),
  };
}

export function viewResponse(body: Record<string, unknown>): ResponseView {
  const candidates: CandidateView[] = [];
  if (Array.isArray(body.candidates)) {
    body.candidates.forEach((c: unknown, i) => {
      const view = viewCandidate(c, i);
      if (view) candidates.push(view);
    });
  }
  const feedback = body.promptFeedback;
  return {
    candidates,
    blockReason: isRecord(feedback) ? str(feedback.blockReason) : undefined,
    usage: toUsage(body.usageMetadata),
    modelVersion: str(body.modelVersion),
    responseId: str(body.responseId),
  };
}

/** A response id that is safe to echo in `chatcmpl-…` ids; random otherwise. */
export function completionId(responseId: string | undefined): string {
  if (responseId && /^[A-Za-z0-9_-]{1,128}$/.test(responseId)) return `chatcmpl-${responseId}`;
  return `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;
}
