/**
 * The AgentSudo wire format (audit-apis.md §4): one `POST /ingest-event` body
 * per event. A permission check recorded with `recordPermissionCheck` maps to
 * AgentSudo's own `permission_check`; every other event goes as `action` = our
 * event type with `allowed: true` and the rest in `metadata` (§4 decision).
 */
import type { AuditEvent } from '../../model/audit-event.js';
import { PERMISSION_CHECK_EVENT } from '../../model/attributes.js';
import { eventIdentity } from '../event-identity.js';

/**
 * The `POST /ingest-event` body of one event, sent under `agentName`.
 *
 * @example
 * toAgentSudoRequest(event, 'SupportBot'); // { agent_name: 'SupportBot', action: 'tool_call', allowed: true, metadata: { …, event_id } }
 */
export function toAgentSudoRequest(event: AuditEvent, agentName: string): Record<string, unknown> {
  const check = permissionCheckOf(event);
  if (check !== undefined) {
    const { scope, allowed, function_name: functionName, ...details } = check;
    const body: Record<string, unknown> = { agent_name: agentName, action: PERMISSION_CHECK_EVENT, allowed };
    if (typeof scope === 'string' && scope !== '') body.scope = scope;
    if (typeof functionName === 'string' && functionName !== '') body.function_name = functionName;
    body.metadata = { ...details, ...eventIdentity(event) };
    return body;
  }
  return { agent_name: agentName, action: event.type, allowed: true, metadata: { ...event.payload, ...eventIdentity(event) } };
}

/**
 * The data of a `custom` `permission_check` event, when it holds a boolean
 * `allowed` (an event by that name without one is mapped like any other:
 * AgentSudo would record a verdict nobody gave).
 */
function permissionCheckOf(event: AuditEvent): Record<string, unknown> | undefined {
  if (event.type !== 'custom' || event.payload['name'] !== PERMISSION_CHECK_EVENT) return undefined;
  const data = event.payload['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  return typeof (data as Record<string, unknown>)['allowed'] === 'boolean' ? (data as Record<string, unknown>) : undefined;
}

