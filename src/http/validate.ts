import type { z } from 'zod';
import { badRequest, type FieldIssue } from '../errors.js';

/** `messages[0].content` — the param style OpenAI uses. */
export function paramPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function issuesOf(error: z.ZodError): FieldIssue[] {
  const fields: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        fields.push({ param: paramPath([...issue.path, key]), message: `Unknown field '${key}'.` });
      }
    } else {
      fields.push({ param: paramPath(issue.path) || '(body)', message: issue.message });
    }
  }
  return fields;
}

/** Parses with a zod schema; on failure a 400 naming the first field and listing every one. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = issuesOf(result.error);
  const first = fields[0] ?? { param: '(body)', message: 'Invalid request body.' };
  const code = result.error.issues[0]?.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_value';
  throw badRequest(code, `${first.param}: ${first.message}`, first.param, fields);
}
