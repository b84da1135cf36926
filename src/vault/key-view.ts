import type { Provider } from '../providers/kit/providers.js';
import { type KeyStatusStored, toIso } from '../store/schema.js';

/** `expired` is never stored: it is read from expiresAt, so a key expires on time without a writer. */
type KeyStatus = KeyStatusStored | 'expired';

/** The public view: the only form in which a stored key ever leaves the gateway. */
export interface ApiKey {
  id: string;
  provider: Provider;
  keyName: string | null;
  keyPreview: string;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  /** USD per UTC calendar month; null = no budget. (The route adds `monthSpendUsd`.) */
  monthlyBudgetUsd: number | null;
  status: KeyStatus;
  /** When the provider last accepted the key (verify), or null. */
  verifiedAt: string | null;
  /** The provider's last refusal of the key, scrubbed of key material. */
  lastError: string | null;
  lastErrorAt: string | null;
  /** Lower is tried first; null after every numbered key. */
  priority: number | null;
  /** A request for this provider never falls back past the user's own keys for it. */
  exclusive: boolean;
  expiresAt: string | null;
  /** Overrides KEY_ROTATION_DAYS for this key; null = the global setting. */
  rotateAfterDays: number | null;
  /** The secret is older than rotateAfterDays (or KEY_ROTATION_DAYS). */
  rotationDue: boolean;
}

/** What the view needs besides the row: the time and the global rotation period (0 = off). */
export interface KeyViewContext {
  now: Date;
  rotationDays: number;
}

export const PUBLIC_COLUMNS = [
  'id',
  'provider',
  'key_name',
  'key_preview',
  'is_active',
  'created_at',
  'updated_at',
  'last_used_at',
  'monthly_budget_usd',
  'status',
  'verified_at',
  'last_error',
  'last_error_at',
  'priority',
  'exclusive',
  'expires_at',
  'rotate_after_days',
  'secret_updated_at',
] as const;

type Ts = string | Date;

export interface PublicRow {
  id: string;
  provider: Provider;
  key_name: string | null;
  key_preview: string;
  is_active: number;
  created_at: Ts;
  updated_at: Ts;
  last_used_at: Ts | null;
  monthly_budget_usd: number | null;
  status: KeyStatusStored;
  verified_at: Ts | null;
  last_error: string | null;
  last_error_at: Ts | null;
  priority: number | null;
  exclusive: number;
  expires_at: Ts | null;
  rotate_after_days: number | null;
  secret_updated_at: Ts | null;
}

const DAY_MS = 86_400_000;

const ms = (v: Ts | null): number | null => (v === null ? null : new Date(v).getTime());

export const isExpired = (expiresAtMs: number | null, nowMs: number) =>
  expiresAtMs !== null && expiresAtMs <= nowMs;

/** Whether a secret set at `secretSetMs` is older than the key's (or the global) rotation period. */
export function rotationDue(
  secretSetMs: number,
  rotateAfterDays: number | null,
  rotationDays: number,
  nowMs: number,
): boolean {
  const days = rotateAfterDays ?? rotationDays;
  return days > 0 && nowMs - secretSetMs >= days * DAY_MS;
}

export function toApiKey(r: PublicRow, view: KeyViewContext): ApiKey {
  const now = view.now.getTime();
  const expiresAt = ms(r.expires_at);
  const rotateAfterDays = r.rotate_after_days === null ? null : Number(r.rotate_after_days);
  return {
    id: r.id,
    provider: r.provider,
    keyName: r.key_name,
    keyPreview: r.key_preview,
    isActive: Number(r.is_active) === 1,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    lastUsedAt: toIso(r.last_used_at),
    monthlyBudgetUsd: r.monthly_budget_usd === null ? null : Number(r.monthly_budget_usd),
    status: isExpired(expiresAt, now) ? 'expired' : r.status,
    verifiedAt: toIso(r.verified_at),
    lastError: r.last_error,
    lastErrorAt: toIso(r.last_error_at),
    priority: r.priority === null ? null : Number(r.priority),
    exclusive: Number(r.exclusive) === 1,
    expiresAt: toIso(r.expires_at),
    rotateAfterDays,
    rotationDue: rotationDue(
      ms(r.secret_updated_at ?? r.created_at) ?? now,
      rotateAfterDays,
      view.rotationDays,
      now,
    ),
  };
}
