import { badRequest } from '../errors.js';
import { paramPath } from './validate.js';

/**
 * How deep a request body may nest. serde_json's default; far beyond any real tool schema, far
 * below what recursive code (validators, converters, JSON.stringify) survives: a 200,000-level
 * body otherwise ends in a RangeError (a 500) wherever the first recursion meets it.
 */
const MAX_JSON_DEPTH = 128;

interface Frame {
  value: object;
  depth: number;
  key: string | number | undefined;
  parent: Frame | undefined;
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
}

/**
 * Walks a parsed body without recursion (so the check itself cannot overflow) and refuses it with
 * a 400 naming the outermost fields on the way to the first too-deep point. Cost: one visit per
 * object or array; strings and numbers are not entered. Returns how many members its objects hold
 * in all: fewer than the text's `"key":` pairs means the text repeats a key somewhere
 * (src/providers/openai-compatible/client-body.ts forwards such a text only re-serialised).
 */
export function checkJsonDepth(root: unknown, max = MAX_JSON_DEPTH): number {
  if (typeof root !== 'object' || root === null) return 0;
  let members = 0;
  const stack: Frame[] = [{ value: root, depth: 1, key: undefined, parent: undefined }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    if (frame.depth > max) {
      const param = paramPath(pathOf(frame).slice(0, 4)) || '(body)';
      throw badRequest('json_too_deep', `${param}: nested more than ${max} levels deep.`, param);
    }
    const { value, depth } = frame;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'object' && v !== null)
          stack.push({ value: v, depth: depth + 1, key: i, parent: frame });
      }
    } else {
      for (const k in value) {
        members++;
        const v: unknown = (value as Record<string, unknown>)[k];
        if (typeof v === 'object' && v !== null)
          stack.push({ value: v, depth: depth + 1, key: k, parent: frame });
      }
    }
  }
  return members;
}
