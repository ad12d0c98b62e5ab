/**
 * Secret scrubbing for what the package itself prints: log lines, warnings,
 * error messages. Personal data is left alone here (a warning naming a host
 * or an address is useful); credentials never are.
 */
import { SECRET_RULES } from './builtin-rules.js';
import { Redactor } from './redactor.js';

// One immutable redactor over the secret rules, in mask mode: a log line
// never shows a hash that could be matched against a guessed key. It holds
// no per-call state that outlives a call (its shared-object cache is unused).
const LOG_REDACTOR = new Redactor({ rules: SECRET_RULES });

/**
 * `text` with API keys, bearer values, URL userinfo, private keys and other
 * credentials replaced by `[REDACTED:<rule>]`. Never throws; returns `text`
 * itself when there is nothing to scrub.
 *
 * @example
 * scrubSecrets('GET https://bob:hunter2@api.example.com failed'); // 'GET https://[REDACTED:url_credentials]@api.example.com failed'
 */
export function scrubSecrets(text: string): string {
  if (typeof text !== 'string') return text;
  return LOG_REDACTOR.text(text, {});
}
