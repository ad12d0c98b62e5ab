/**
 * The longest text the recording helpers keep per message part, tool argument
 * or result. Read once from the environment, overridable by `setupAudit`.
 */
import { DEFAULTS } from './defaults.js';
import { readEnv } from './env.js';

let limit: number | undefined;

/** Current limit in characters. */
export function maxContentLength(): number {
  limit ??= readEnv().maxContentLength ?? DEFAULTS.maxContentLength;
  return limit;
}

/** Sets the limit for every helper call from now on (used by `setupAudit`). */
export function setMaxContentLength(value: number): void {
  limit = value;
}
