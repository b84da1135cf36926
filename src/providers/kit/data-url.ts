import { badRequest } from '../../errors.js';

/** Image types both Anthropic and Gemini accept inline. */
const INLINE_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type InlineImageType = (typeof INLINE_IMAGE_TYPES)[number];

export interface InlineImage {
  mediaType: InlineImageType;
  /** Base64 payload, unchanged. */
  data: string;
}

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+)((?:;[a-z0-9-]+=[^;,]*)*);base64,([A-Za-z0-9+/=\s]*)$/i;

/**
 * Reads an OpenAI `image_url` data URL (`data:image/png;base64,…`) into a media type and its
 * base64 data; refuses other types and non-base64 encodings with a 400 naming `param`. The gateway
 * never fetches URLs itself, so this is the only way image bytes reach a provider from us.
 */
export function parseImageDataUrl(url: string, param: string): InlineImage {
  const m = DATA_URL.exec(url);
  if (!m)
    throw badRequest(
      'invalid_image_url',
      'Image data URLs must look like data:image/png;base64,<data>.',
      param,
    );
  const mediaType = (m[1] ?? '').toLowerCase();
  if (!(INLINE_IMAGE_TYPES as readonly string[]).includes(mediaType)) {
    throw badRequest(
      'unsupported_image_type',
      `Image type ${mediaType} is not supported; use one of ${INLINE_IMAGE_TYPES.join(', ')}.`,
      param,
    );
  }
  const data = (m[3] ?? '').replace(/\s+/g, '');
  if (data.length === 0) throw badRequest('invalid_image_url', 'The image data URL is empty.', param);
  return { mediaType: mediaType as InlineImageType, data };
}

export function isDataUrl(url: string): boolean {
  return url.slice(0, 5).toLowerCase() === 'data:';
}
