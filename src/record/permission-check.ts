/**
 * Permission checks as audit events: the scope an agent asked for, whether it
 * was granted, and the function it guards. AgentSudo records these natively
 * (`action: "permission_check"`, audit-apis.md §4); other backends get them as
 * a `custom` event named `permission_check`.
 */
import { PERMISSION_CHECK_EVENT } from '../model/attributes.js';
import { recordCustomEvent } from './events.js';
import { optionsObject, ownEntries, requiredText, textOf } from './read-input.js';
import { RecordingProblems } from './recording-problems.js';

/** One permission check, as passed to {@link recordPermissionCheck}. */
export interface PermissionCheck {
  /** The scope asked for, e.g. `'read:orders'`. */
  scope: string;
  /** Whether it was granted. */
  allowed: boolean;
  /** The function the scope protects, e.g. `'get_order'`. */
  functionName?: string;
  /** Anything else worth keeping (who asked, which policy decided, …), kept as JSON. */
  [detail: string]: unknown;
}

/** The scope recorded for a check whose scope is missing or not text. */
const UNKNOWN_SCOPE = 'unknown';

/**
 * Records a permission check on the active span (outside any span, on a
 * short span of its own). It becomes a `custom` audit event named
 * `permission_check` whose `data` holds `scope`, `allowed`, `function_name`
 * and the other details. Never throws: a check that cannot be read is still
 * recorded, as not granted (`allowed` is true only when it says `true`) with
 * scope `unknown`, and marked by an `audit.recording.problem` event.
 *
 * @example
 * const allowed = user.scopes.includes('read:orders');
 * recordPermissionCheck({ scope: 'read:orders', allowed, functionName: 'get_order', userId: user.id });
 * if (!allowed) throw new Error('forbidden');
 */
export function recordPermissionCheck(check: PermissionCheck): void {
  try {
    const problems = new RecordingProblems('recordPermissionCheck');
    const given = check === undefined ? (problems.note('check', 'it is missing'), undefined) : optionsObject(check, problems, 'check');
    const fields = new Map(ownEntries(given, 'check', problems));
    const data: Record<string, unknown> = {};
    for (const [key, value] of fields) if (key !== 'scope' && key !== 'allowed' && key !== 'functionName') data[key] = value;
    data.scope = requiredText(fields.get('scope'), 'scope', problems) ?? UNKNOWN_SCOPE;
    data.allowed = fields.get('allowed') === true;
    const functionName = textOf(fields.get('functionName'), 'functionName', problems);
    if (functionName !== undefined) data.function_name = functionName;
    recordCustomEvent(PERMISSION_CHECK_EVENT, data, problems);
  } catch {
    // Recording is best effort: it must never throw into the agent.
  }
}
