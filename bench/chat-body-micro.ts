/**
 * Micro-benchmark of what a chat body costs before the upstream call: validation (JSON.parse and
 * the depth check, then the zod schema as before or the fast check of src/chat/chat-check.ts) and
 * building the upstream body (JSON.stringify of the request with the model swapped, as before, or
 * the client's text with the model swapped by src/providers/openai-compatible/client-body.ts).
 * Three bodies: the one `npm run bench` sends, a 12-turn conversation with tools, and one with a
 * 100 KB image data URL. Rounds alternate before and after; the median round's CPU time is printed.
 * Run: npx tsx bench/chat-body-micro.ts
 */
import { acceptsChat } from '../src/chat/chat-check.js';
import { chatRequestSchema } from '../src/chat/schema.js';
import { checkJsonDepth } from '../src/http/json-depth.js';
import { parseBody } from '../src/http/validate.js';
import { clientBodyWith } from '../src/providers/openai-compatible/client-body.js';
import type { ChatRequest } from '../src/providers/types.js';
import { chatBody } from './requests.js';

const ROUNDS = 7;
const TARGET_MS = 300;

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const turns = Array.from({ length: 12 }, (_, i) =>
  i % 2 === 0
    ? { role: 'user', content: `Question ${i}: what is the weather like in city number ${i}, please?` }
    : { role: 'assistant', content: `It is sunny in city ${i}, about ${20 + i} degrees, light wind.` },
);
const BODIES = {
  bench: chatBody('openai/gpt-4o-mini', false),
  conversation: JSON.stringify({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'system', content: 'You are a helpful assistant.' }, ...turns],
    tools,
    tool_choice: 'auto',
    temperature: 0.7,
    max_tokens: 512,
  }),
  image: JSON.stringify({
    model: 'openai/gpt-4o',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${'iVBORw0KGgo'.repeat(9300)}` } },
        ],
      },
    ],
  }),
};

function parse(text: string): { value: unknown; members: number } {
  const value: unknown = JSON.parse(text);
  return { value, members: checkJsonDepth(value) };
}

const STEPS = {
  'validate, zod': (text: string) => parseBody(chatRequestSchema, parse(text).value),
  'validate, fast check': (text: string) => {
    const { value } = parse(text);
    if (!acceptsChat(value)) throw new Error('the fast check refused a bench body');
    return value;
  },
  'build, JSON.stringify': (text: string, chat: ChatRequest) =>
    JSON.stringify({ ...chat, model: 'gpt-4o-mini' }) + text.length,
  "build, client's text": (text: string, _chat: ChatRequest, members: number) => {
    // A new ClientBody each time, as each request has: the scan of the text is counted every time.
    const body = clientBodyWith({ text, members }, 'gpt-4o-mini');
    if (body === undefined) throw new Error("the client's text was not used");
    return body;
  },
} as const;

function timeStep(step: (t: string, c: ChatRequest, m: number) => unknown, text: string): number {
  const { value, members } = parse(text);
  const chat = value as ChatRequest;
  let ops = 0;
  let sink = 0;
  // CPU time, not wall-clock: on a shared machine the process is descheduled at random.
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < TARGET_MS) {
    for (let i = 0; i < 200; i++) sink += step(text, chat, members) ? 1 : 0;
    ops += 200;
  }
  const used = process.cpuUsage(cpu);
  if (sink !== ops) throw new Error('unexpected result');
  return (used.user + used.system) / ops;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * `BENCH_BODY_OPS=n BENCH_BODY_STEP=<step> BENCH_BODY=<body>`: that step exactly n times, untimed,
 * for counting instructions under valgrind (compare with n=0 for what the run costs without it):
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out node --import tsx/esm bench/chat-body-micro.ts
 */
const fixedOps = Number(process.env.BENCH_BODY_OPS ?? Number.NaN);
if (Number.isInteger(fixedOps)) {
  const step = STEPS[(process.env.BENCH_BODY_STEP ?? 'validate, zod') as keyof typeof STEPS];
  const text = BODIES[(process.env.BENCH_BODY ?? 'bench') as keyof typeof BODIES];
  if (!step || !text) throw new Error('BENCH_BODY_STEP or BENCH_BODY names nothing');
  const { value, members } = parse(text);
  for (let i = 0; i < fixedOps; i++) step(text, value as ChatRequest, members);
  process.exit(0);
}

for (const [name, text] of Object.entries(BODIES)) {
  const times: Record<string, number[]> = {};
  for (const step of Object.keys(STEPS)) times[step] = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const [step, fn] of Object.entries(STEPS)) times[step]?.push(timeStep(fn, text));
  const line = Object.entries(times)
    .map(([step, xs]) => `${step} ${median(xs).toFixed(2)} µs`)
    .join(' | ');
  console.log(`${name} (${text.length.toLocaleString('en-US')} B): ${line}`);
}
