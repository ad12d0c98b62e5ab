/**
 * Permission checks as audit events: the scope an agent asked for, whether it
 * was granted, and the function it guards. AgentSudo records these natively
 * (`action: "permission_check"`, audit-apis.md §4); other backends get them as
 * a `custom` event named `permission_check`.
 */
import { recordEvent } from './events.js';
import { PERMISSION_CHECK_EVENT } from '../model/attributes.js';


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

/**
 * Records a permission check on the active span (outside any span, on a
 * short span of its own). It becomes a `custom` audit event named
 * `permission_check` whose `data` holds `scope`, `allowed`, `function_name`
 * and the other details. Never throws.
 *
 * @example
 * const allowed = user.scopes.includes('read:orders');
 * recordPermissionCheck({ scope: 'read:orders', allowed, functionName: 'get_order', userId: user.id });
 * if (!allowed) throw new Error('forbidden');
 */
export function recordPermissionCheck(check: PermissionCheck): void {
  try {
    const { scope, allowed, functionName, ...details } = check;
    const data: Record<string, unknown> = { ...details, scope: String(scope), allowed: allowed === true };
    if (functionName !== undefined) data.function_name = String(functionName);
    recordEvent(PERMISSION_CHECK_EVENT, data);
  } catch {
    // Recording is best effort (a hostile `check` object): it must never throw into the agent.
  }
}
