import { z } from 'zod';

/**
 * Characters a name shown to people must not hold: controls, format characters (bidi overrides
 * and isolates, zero-width spaces and joiners, BOM, soft hyphen: a label could pretend to be
 * another in a list or an error message), lone surrogates (not text; PostgreSQL refuses them)
 * and line/paragraph separators (a name is one line).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** A key or token name: trimmed, 1–100 characters, printable. */
export const displayName = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((s) => !UNSAFE.test(s), {
    message: 'must not contain control, format (bidi, zero-width) or separator characters',
  });
