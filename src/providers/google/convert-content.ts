/**
 * OpenAI message `content` (a string or an array of parts) → Gemini parts or plain text.
 * Images must arrive as `data:` URLs: Gemini cannot fetch arbitrary URLs (`fileData` takes only
 * Files-API/GCS URIs) and the gateway never fetches a URL a user gave (no SSRF).
 */
import { badRequest } from '../../errors.js';
import { isDataUrl, parseImageDataUrl } from '../kit/data-url.js';
import { isRecord } from '../kit/records.js';
import type { GeminiPart } from './gemini-types.js';

function contentParts(content: unknown, param: string): unknown[] {
  if (Array.isArray(content)) return content;
  throw badRequest('invalid_content', 'Message content must be a string or an array of parts.', param);
}

function partType(part: unknown, param: string): string {
  if (isRecord(part) && typeof part.type === 'string') return part.type;
  throw badRequest('invalid_content', 'Each content part must be an object with a "type".', param);
}

function partText(part: Record<string, unknown>, param: string): string {
  if (typeof part.text === 'string') return part.text;
  throw badRequest('invalid_content', 'A text part needs a string "text".', `${param}.text`);
}

function unsupportedPart(type: string, param: string, allowed: string) {
  return badRequest(
    'unsupported_content_part',
    `Content parts of type "${type}" are not supported here for Gemini; use ${allowed}.`,
    `${param}.type`,
  );
}

/**
 * Text-only content (system, developer and tool messages): a string, or text parts joined.
 * `extra` names part types that count as text too (the assistant's `refusal`).
 */
export function textContent(content: unknown, param: string, extra?: 'refusal'): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  let text = '';
  contentParts(content, param).forEach((part, j) => {
    const at = `${param}[${j}]`;
    const type = partType(part, at);
    const p = part as Record<string, unknown>;
    if (type === 'text') text += partText(p, at);
    else if (type === 'refusal' && extra === 'refusal' && typeof p.refusal === 'string') text += p.refusal;
    else throw unsupportedPart(type, at, extra ? 'text or refusal parts' : 'text parts');
  });
  return text;
}

/** An `image_url` part → inlineData; any URL that is not a `data:` URL is refused. */
function imagePart(part: Record<string, unknown>, param: string): GeminiPart {
  const image = part.image_url;
  const url = isRecord(image) ? image.url : undefined;
  if (typeof url !== 'string') {
    throw badRequest('invalid_image_url', 'An image_url part needs image_url.url.', `${param}.image_url.url`);
  }
  if (!isDataUrl(url)) {
    throw badRequest(
      'unsupported_image_url',
      'Gemini cannot fetch image URLs and the gateway does not fetch them for you: send the image inline as a data: URL (data:image/png;base64,...).',
      `${param}.image_url.url`,
    );
  }
  const { mediaType, data } = parseImageDataUrl(url, `${param}.image_url.url`);
  return { inlineData: { mimeType: mediaType, data } };
}

/** User content → parts: text (empty text dropped) and inline images. */
export function userParts(content: unknown, param: string): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  contentParts(content, param).forEach((part, j) => {
    const at = `${param}[${j}]`;
    const type = partType(part, at);
    const p = part as Record<string, unknown>;
    if (type === 'text') {
      const text = partText(p, at);
      if (text !== '') parts.push({ text });
    } else if (type === 'image_url') {
      parts.push(imagePart(p, at));
    } else {
      throw unsupportedPart(type, at, 'text and image_url parts');
    }
  });
  return parts;
}
