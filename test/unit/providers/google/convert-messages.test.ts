import { describe, expect, it } from 'vitest';
import { toGeminiRequest } from '../../../../src/providers/google/build-request.js';
import { newToolCallId } from '../../../../src/providers/google/tool-call-id.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { thrownGatewayError } from './helpers.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const translate = (
  messages: Record<string, unknown>[],
  extra: Partial<ChatRequest> = {},
  model = 'gemini-2.5-flash',
) => toGeminiRequest({ model, messages, ...extra }, model, false);

const refusal = thrownGatewayError;
const call = (id: string, name: string, args = '{}') => ({
  id,
  type: 'function',
  function: { name, arguments: args },
});

describe('messages → systemInstruction and contents', () => {
  it('joins every system and developer message, wherever it stands, into systemInstruction', () => {
    const body = translate([
      { role: 'developer', content: 'One.' },
      { role: 'user', content: 'Hi' },
      {
        role: 'system',
        content: [
          { type: 'text', text: 'Two' },
          { type: 'text', text: '.' },
        ],
      },
      { role: 'system', content: '' },
    ]);
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'One.\n\nTwo.' }] });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
  });

  it('maps assistant to model and merges consecutive turns of one role', () => {
    const body = translate([
      { role: 'user', content: 'a' },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: 'c' },
      { role: 'assistant', content: [{ type: 'refusal', refusal: 'd' }] },
      { role: 'user', content: 'e' },
    ]);
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }, { text: 'd' }] },
      { role: 'user', parts: [{ text: 'e' }] },
    ]);
  });

  it('leaves out empty turns, and refuses a conversation with nothing left', () => {
    const body = translate([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: null },
      { role: 'user', content: '' },
      { role: 'user', content: 'b' },
    ]);
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
    const err = refusal(() => translate([{ role: 'system', content: 'only rules' }]));
    expect([err.status, err.param]).toEqual([400, 'messages']);
  });

  it('sends tool calls as functionCall parts and results as functionResponse parts, matched by name in call order', () => {
    const body = translate([
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [call('a', 'first', '{"n":1}'), call('b', 'second', '')],
      },
      { role: 'tool', tool_call_id: 'b', content: 'two' },
      { role: 'tool', tool_call_id: 'a', content: '{"ok":true}' },
    ]);
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'go' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'first', args: { n: 1 } } },
          { functionCall: { name: 'second', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'first', response: { output: { ok: true } } } },
          { functionResponse: { name: 'second', response: { output: 'two' } } },
        ],
      },
    ]);
  });

  it('keeps a tool result that merely looks like JSON as text', () => {
    const body = translate([
      { role: 'user', content: 'go' },
      { role: 'assistant', tool_calls: [call('a', 'f')] },
      { role: 'tool', tool_call_id: 'a', content: '{not json' },
    ]);
    expect(body.contents[2]?.parts).toEqual([
      { functionResponse: { name: 'f', response: { output: '{not json' } } },
    ]);
  });

  it('puts the thought signature carried by a gateway tool call id back on its functionCall part', () => {
    const signature = 'Q2lRQmZha2VzaWduYXR1cmU=';
    const id = newToolCallId(signature);
    const body = translate([
      { role: 'user', content: 'go' },
      { role: 'assistant', tool_calls: [call(id, 'f'), call(newToolCallId(), 'g')] },
      { role: 'tool', tool_call_id: id, content: 'x' },
    ]);
    expect(body.contents[1]?.parts).toEqual([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: signature },
      { functionCall: { name: 'g', args: {} } },
    ]);
  });

  it('gives unsigned history the placeholder signature only on models that require signatures', () => {
    const messages = [
      { role: 'user', content: 'go' },
      { role: 'assistant', tool_calls: [call('x1', 'f'), call('x2', 'f')] },
    ];
    expect(translate(messages, {}, 'gemini-3-flash-preview').contents[1]?.parts).toEqual([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
      { functionCall: { name: 'f', args: {} } },
    ]);
    expect(translate(messages, {}, 'gemini-2.5-pro').contents[1]?.parts).toEqual([
      { functionCall: { name: 'f', args: {} } },
      { functionCall: { name: 'f', args: {} } },
    ]);
  });

  it('turns a data: image into inlineData', () => {
    const body = translate([
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/webp;base64,${PNG}` } }] },
    ]);
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/webp', data: PNG } }] },
    ]);
  });

  it.each([
    'https://example.com/cat.png',
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:8080/x',
    'file:///etc/passwd',
    'gs://bucket/cat.png',
  ])('refuses the image URL %s with a 400 naming it, without fetching anything', (url) => {
    const err = refusal(() =>
      translate([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'see' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ]),
    );
    expect([err.status, err.code, err.param]).toEqual([
      400,
      'unsupported_image_url',
      'messages[0].content[1].image_url.url',
    ]);
    expect(err.message).toMatch(/data: URL/);
  });

  it.each([
    [
      { type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } },
      'unsupported_image_type',
    ],
    [{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }, 'invalid_image_url'],
    [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }, 'unsupported_content_part'],
    [{ type: 'file', file: { file_id: 'file-1' } }, 'unsupported_content_part'],
  ])('refuses the user part %j with %s', (part, code) => {
    const err = refusal(() => translate([{ role: 'user', content: [part] }]));
    expect([err.status, err.code]).toEqual([400, code]);
    expect(err.param).toMatch(/^messages\[0\]\.content\[0\]/);
  });

  it.each([
    [
      [
        { role: 'user', content: 'x' },
        { role: 'tool', tool_call_id: 'nope', content: 'r' },
      ],
      'messages[1].tool_call_id',
    ],
    [
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [call('a', 'f', '[1]')] },
      ],
      'messages[1].tool_calls[0].function.arguments',
    ],
    [
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [call('a', 'f', '{"a":')] },
      ],
      'messages[1].tool_calls[0].function.arguments',
    ],
    [
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'a', type: 'custom', custom: {} }] },
      ],
      'messages[1].tool_calls[0].type',
    ],
    [[{ role: 'function', name: 'f', content: 'r' }], 'messages[0].role'],
    [[{ role: 'robot', content: 'r' }], 'messages[0].role'],
    [
      [
        {
          role: 'system',
          content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }],
        },
      ],
      'messages[0].content[0].type',
    ],
  ])('refuses %j with a 400 naming %s', (messages, param) => {
    const err = refusal(() => translate(messages));
    expect([err.status, err.param]).toEqual([400, param]);
  });
});
