/**
 * The AgenticAudit wire format (audit-apis.md §3): our event in as
 * `{agent_id, action, data, context}`, the service's assessment out.
 */
import type { AuditEvent } from '../../model/audit-event.js';
import { eventIdentity } from '../event-identity.js';
import { nonEmptyText } from '../../model/foreign-value.js';

/**
 * What AgenticAudit answered about one event: its risk assessment and
 * verdict, read from the `201` body. Fields the answer lacks are undefined
 * (lists and maps are then empty).
 */
export interface AgenticAuditResult {
  /** The service's id of the stored event. */
  readonly id: string | undefined;
  /** `low`, `medium`, `high`, `critical`, … as the service grades it. */
  readonly riskLevel: string | undefined;
  readonly piiDetected: boolean | undefined;
  /** Kinds of personal data found, e.g. `['email']`. */
  readonly piiFields: readonly string[];
  /** Articles per framework, e.g. `{ gdpr: ['art_30'], ai_act: ['art_14'] }`. */
  readonly frameworks: Readonly<Record<string, readonly string[]>>;
  /** `allow` or `block`; a block on an already-finished tool call is a finding, not a stop. */
  readonly decision: string | undefined;
  readonly reason: string | undefined;
}

/**
 * Resource attributes copied into `context`: the ones that say which
 * deployment of which service the agent ran in. (The rest, such as
 * `process.command_args`, is noise or worse in an audit record.)
 */
const RESOURCE_KEYS = [
  'service.name',
  'service.namespace',
  'service.version',
  'service.instance.id',
  'deployment.environment.name',
  'deployment.environment',
  'host.name',
] as const;

/**
 * `action` per audit-apis.md §3 decision: the tool name, `llm.prompt`, `llm.completion`, `error`, or the custom event's name.
 *
 * @example
 * actionOf(toolCallEvent); // 'lookup_order'
 */
export function actionOf(event: AuditEvent): string {
  switch (event.type) {
    case 'tool_call':
      return nonEmptyText(event.payload['tool_name']) ?? 'tool_call';
    case 'prompt':
      return 'llm.prompt';
    case 'completion':
      return 'llm.completion';
    case 'error':
      return 'error';
    default:
      return nonEmptyText(event.payload['name']) ?? 'custom';
  }
}

/**
 * The `POST /v1/events` body of one event. `data` is our payload; `context`
 * carries the identity AgenticAudit has no fields for: our `event_id` (the
 * same on a retry, and on the exporter's copy of a decided tool call), trace,
 * span and session ids, the event's own time, and the deployment.
 *
 * @example
 * toAgenticAuditRequest(event, 'support-bot'); // { agent_id: 'support-bot', action: 'lookup_order', data: {…}, context: { event_id, … } }
 */
export function toAgenticAuditRequest(event: AuditEvent, agentId: string): Record<string, unknown> {
  const context = eventIdentity(event);
  const resource = event.resource;
  if (resource !== undefined) {
    for (const key of RESOURCE_KEYS) {
      const value = resource[key];
      if (value !== undefined) context[key] = value;
    }
    // The AgenticAudit guide's own context example names it `environment`.
    const environment = resource['deployment.environment.name'] ?? resource['deployment.environment'];
    if (environment !== undefined) context.environment = environment;
  }
  return { agent_id: agentId, action: actionOf(event), data: event.payload, context };
}

/**
 * The assessment in a `201` body; undefined when the body is not a JSON object.
 *
 * @example
 * readAgenticAuditResult({ id: 'evt_1', risk_level: 'high', decision: 'allow' })?.riskLevel; // 'high'
 */
export function readAgenticAuditResult(body: unknown): AgenticAuditResult | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  return {
    id: typeof b['id'] === 'string' ? b['id'] : undefined,
    riskLevel: typeof b['risk_level'] === 'string' ? b['risk_level'] : undefined,
    piiDetected: typeof b['pii_detected'] === 'boolean' ? b['pii_detected'] : undefined,
    piiFields: Array.isArray(b['pii_fields']) ? b['pii_fields'].filter((f): f is string => typeof f === 'string') : [],
    frameworks: frameworksOf(b['frameworks']),
    decision: typeof b['decision'] === 'string' ? b['decision'] : undefined,
    reason: typeof b['reason'] === 'string' && b['reason'] !== '' ? b['reason'] : undefined,
  };
}

function frameworksOf(value: unknown): Record<string, readonly string[]> {
  const frameworks: Record<string, readonly string[]> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return frameworks;
  for (const [name, articles] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(articles)) frameworks[name] = articles.filter((a): a is string => typeof a === 'string');
  }
  return frameworks;
}

