import { credential } from './session.js';

/** One problem the gateway named: `param` is the field (`apiKey`, `keyName`, …). */
export interface FieldProblem {
  param: string;
  message: string;
}

/** An OpenAI-shaped error answer, as every gateway route gives it. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null,
    readonly fields: FieldProblem[],
  ) {
    super(message);
  }
}

/** Called when the gateway refuses the credential (401): the page goes back to sign-in. */
let onUnauthorized: (failure: ApiFailure) => void = () => {};
export function whenUnauthorized(handler: (failure: ApiFailure) => void): void {
  onUnauthorized = handler;
}

async function failureOf(res: Response): Promise<ApiFailure> {
  const body: unknown = await res.json().catch(() => null);
  const error = (body as { error?: Record<string, unknown> } | null)?.error ?? {};
  const fields = Array.isArray(error.fields) ? (error.fields as FieldProblem[]) : [];
  const param = typeof error.param === 'string' ? error.param : null;
  const message =
    typeof error.message === 'string'
      ? error.message
      : `The gateway answered ${res.status} ${res.statusText}.`;
  return new ApiFailure(
    res.status,
    typeof error.code === 'string' ? error.code : 'unknown',
    message,
    param,
    fields,
  );
}

/**
 * A call to this gateway's own `/api` (same origin: no CORS, no third party), with the session's
 * credential. Resolves to the JSON answer (undefined for 204); rejects with an ApiFailure.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${credential() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiFailure(0, 'network', 'The gateway could not be reached. Is it running?', null, []);
  }
  if (!res.ok) {
    const failure = await failureOf(res);
    if (res.status === 401) onUnauthorized(failure);
    throw failure;
  }
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

/** What to tell the user about a failed call. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiFailure) return err.message;
  return 'Something went wrong in the page; reload it and try again.';
}

/** What a section shows when it could not load: a token's missing scope is named, with the way out. */
export function loadFailureText(err: unknown, scope: string, cannot: string): string {
  return err instanceof ApiFailure && err.code === 'insufficient_scope'
    ? `This token cannot ${cannot}: it lacks the ${scope} scope. Sign in with a JWT, or a token that has it.`
    : messageOf(err);
}
