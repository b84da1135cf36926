/**
 * OpenAI message content (a string or an array of parts) → Anthropic content blocks. Text parts
 * become text blocks (empty ones are dropped: Anthropic refuses empty text blocks); `image_url`
 * parts become image blocks: a `data:` URL as base64 (media type checked by data-url.ts), an
 * `https:` URL as a url source that Anthropic fetches. Any other scheme is a 400: the gateway
 * never fetches a URL a user gave (no SSRF), and Anthropic would not fetch `http:` either.
 */
import { badRequest } from '../../errors.js';
import { isDataUrl, parseImageDataUrl } from '../kit/data-url.js';
import { isRecord } from '../kit/records.js';
import type { ImageBlock, TextBlock } from './wire-types.js';

function textBlock(text: string): TextBlock[] {
  return text === '' ? [] : [{ type: 'text', text }];
}

function imageBlock(part: Record<string, unknown>, param: string): ImageBlock {
  const image = part.image_url;
  const url = isRecord(image) ? image.url : undefined;
  if (typeof url !== 'string') {
    throw badRequest('invalid_value', `'${param}.image_url.url' must be a string.`, `${param}.image_url.url`);
  }
  const urlParam = `${param}.image_url.url`;
  if (isDataUrl(url)) {
    const { mediaType, data } = parseImageDataUrl(url, urlParam);
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data } };
  }
  if (/^https:\/\//i.test(url) && URL.canParse(url)) return { type: 'image', source: { type: 'url', url } };
  throw badRequest(
    'unsupported_image_url',
    'Images must be data: URLs or https: URLs; the gateway never fetches a URL itself.',
    urlParam,
  );
}

type PartKind = 'text' | 'image' | 'refusal';

/**
 * The blocks of one message's content. `allowed` says which part types this role may carry:
 * system, developer and tool messages take text only, user messages text and images, assistant
 * messages text and refusals (sent as text).
 */
export function contentBlocks(
  content: unknown,
  param: string,
  allowed: readonly PartKind[],
): (TextBlock | ImageBlock)[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return textBlock(content);
  if (!Array.isArray(content)) {
    throw badRequest('invalid_value', `'${param}' must be a string or an array of parts.`, param);
  }
  const blocks: (TextBlock | ImageBlock)[] = [];
  content.forEach((part: unknown, j) => {
    const partParam = `${param}[${j}]`;
    const type = isRecord(part) ? part.type : undefined;
    if (isRecord(part) && type === 'text' && allowed.includes('text') && typeof part.text === 'string') {
      blocks.push(...textBlock(part.text));
    } else if (isRecord(part) && type === 'image_url' && allowed.includes('image')) {
      blocks.push(imageBlock(part, partParam));
    } else if (isRecord(part) && type === 'refusal' && allowed.includes('refusal')) {
      if (typeof part.refusal === 'string') blocks.push(...textBlock(part.refusal));
    } else {
      const what = typeof type === 'string' ? `'${type}' parts` : 'this part';
      throw badRequest(
        'unsupported_content',
        `${what} cannot be sent to Anthropic here; this message takes ${allowed.join(' and ')} parts.`,
        partParam,
      );
    }
  });
  return blocks;
}

/** Text-only content (system, developer, tool) as text blocks. */
export function textBlocks(content: unknown, param: string): TextBlock[] {
  return contentBlocks(content, param, ['text']) as TextBlock[];
}
