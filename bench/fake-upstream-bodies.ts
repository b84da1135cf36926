/**
 * The fake upstream's answers, built once as bytes: an OpenAI chat completion, an OpenAI stream
 * (role chunk, N content chunks, finish chunk, optional usage chunk, [DONE]) and an Anthropic
 * Messages stream (wire format of https://docs.anthropic.com/en/docs/build-with-claude/streaming).
 */
export const STREAM_CHUNKS = 50;
const CREATED = 1_760_000_000;
const ID = 'chatcmpl-bench0000000000000000000000';
const FINGERPRINT = 'fp_bench0001';

const usage = {
  prompt_tokens: 12,
  completion_tokens: STREAM_CHUNKS,
  total_tokens: 12 + STREAM_CHUNKS,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
};

export const OPENAI_COMPLETION = Buffer.from(
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Hello! This is a fixed answer from the bench upstream, about twenty tokens long.',
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  }),
);

const sse = (value: unknown) => Buffer.from(`data: ${JSON.stringify(value)}\n\n`);

function chunk(delta: Record<string, unknown>, finish: string | null) {
  return sse({
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'gpt-4o-mini-2024-07-18',
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

/** The events of one OpenAI stream, one Buffer per write; `usage` adds the include_usage chunk. */
export function openAIStream(withUsage: boolean): Buffer[] {
  const out = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (let i = 0; i < STREAM_CHUNKS; i++) out.push(chunk({ content: ` token${i}` }, null));
  out.push(chunk({}, 'stop'));
  if (withUsage) {
    out.push(
      sse({
        id: ID,
        object: 'chat.completion.chunk',
        created: CREATED,
        model: 'gpt-4o-mini-2024-07-18',
        service_tier: 'default',
        system_fingerprint: FINGERPRINT,
        choices: [],
        usage,
      }),
    );
  }
  out.push(Buffer.from('data: [DONE]\n\n'));
  return out;
}

/** The first two events of a stream that then stays open (the memory test). */
export const OPENAI_SLOW_START: Buffer[] = [
  chunk({ role: 'assistant', content: '', refusal: null }, null),
  chunk({ content: 'waiting' }, null),
];

const event = (name: string, data: unknown) =>
  Buffer.from(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

export function anthropicStream(): Buffer[] {
  const out = [
    event('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_01Bench000000000000000000',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 12,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    }),
    event('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    event('ping', { type: 'ping' }),
  ];
  for (let i = 0; i < STREAM_CHUNKS; i++) {
    out.push(
      event('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: ` token${i}` },
      }),
    );
  }
  out.push(
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: STREAM_CHUNKS },
    }),
    event('message_stop', { type: 'message_stop' }),
  );
  return out;
}

export const ANTHROPIC_MESSAGE = Buffer.from(
  JSON.stringify({
    id: 'msg_01Bench000000000000000000',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'text', text: 'Hello! This is a fixed answer from the bench upstream.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 14,
    },
  }),
);
