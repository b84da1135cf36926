import { z } from 'zod';
import { displayName } from '../http/display-name.js';
import { PROVIDERS } from '../providers/kit/providers.js';

/** What the key routes accept; every field is named in README "Keys". */

const provider = z.enum(PROVIDERS, { error: `must be one of ${PROVIDERS.join(', ')}` });
const apiKey = z.string({ error: 'must be a string' });
/** USD per UTC calendar month, or null for none. */
const monthlyBudgetUsd = z
  .number({ error: 'must be a number of US dollars, or null' })
  .min(0, 'must be 0 or more')
  .max(1e9, 'must be at most 1000000000')
  .nullable();
/** Lower is tried first; null puts the key after every numbered one. */
const priority = z
  .number({ error: 'must be an integer, or null' })
  .int('must be an integer, or null')
  .min(-1_000_000, 'must be at least -1000000')
  .max(1_000_000, 'must be at most 1000000')
  .nullable();
const exclusive = z.boolean({ error: 'must be true or false' });
/** Stored as given, normalised to UTC; a past instant simply makes the key expired. */
const expiresAt = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time, or null' })
  .transform((v) => new Date(v).toISOString())
  .nullable();
const rotateAfterDays = z
  .number({ error: 'must be a whole number of days, or null' })
  .int('must be a whole number of days, or null')
  .min(1, 'must be at least 1')
  .max(36_500, 'must be at most 36500')
  .nullable();
const verify = z.boolean({ error: 'must be true or false' });

export const createSchema = z.strictObject({
  provider,
  apiKey,
  keyName: displayName.nullish(),
  monthlyBudgetUsd: monthlyBudgetUsd.optional(),
  priority: priority.optional(),
  exclusive: exclusive.optional(),
  expiresAt: expiresAt.optional(),
  rotateAfterDays: rotateAfterDays.optional(),
  verify: verify.optional(),
});

const patchFields = {
  keyName: displayName.nullable().optional(),
  isActive: z.boolean({ error: 'must be true or false' }).optional(),
  monthlyBudgetUsd: monthlyBudgetUsd.optional(),
  priority: priority.optional(),
  exclusive: exclusive.optional(),
  expiresAt: expiresAt.optional(),
  rotateAfterDays: rotateAfterDays.optional(),
};

export const patchSchema = z
  .strictObject(patchFields)
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: `send at least one of ${Object.keys(patchFields).join(', ')}`,
  });

export const putSchema = z.strictObject({ apiKey, verify: verify.optional() });

export const listQuerySchema = z.strictObject({
  status: z
    .enum(['unverified', 'valid', 'rejected', 'expired'], {
      error: 'must be one of unverified, valid, rejected, expired',
    })
    .optional(),
  rotationDue: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  provider: provider.optional(),
});

/** `POST …/verify` takes no body; an empty object is accepted too. */
export const verifySchema = z.strictObject({});
