import type { LogLevel } from '../config.js';

/**
 * One JSON object per line. Callers pass metadata only — never bodies, headers or keys;
 * `safeFields` additionally drops any field whose name says it may hold a secret.
 */
type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /**
   * Whether a line at `level` is written. The level is fixed when the logger is made, so a hot
   * path asks once and builds no fields for lines that would be dropped (LOG_LEVEL=warn drops
   * every per-request line).
   */
  enabled(level: LogLevel): boolean;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /authorization|api[-_]?key|secret|password|token$|plaintext|cookie/i;

function safeFields(fields: LogFields | undefined): LogFields {
  const out: LogFields = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = SECRET_FIELD.test(k) ? '[REDACTED]' : v;
  }
  return out;
}

export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const min = ORDER[level];
  const log = (lvl: LogLevel) => (msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < min) return;
    write(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...safeFields(fields) }));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    enabled: (lvl) => ORDER[lvl] >= min,
  };
}

export const silentLogger: Logger = createLogger('error', () => {});
