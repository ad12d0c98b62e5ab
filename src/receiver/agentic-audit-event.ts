// The AgenticAudit event shape the receiver serves on `POST /v1/events`
// (audit-apis.md §3): the request body, validated as strictly as the rest of
// the receiver (every failure is a 422 naming the field, as the service's
// FastAPI validation answers), and the stored event it answers with.
import { HttpError } from './http-error.js';
import { show } from './validation.js';

/** A `POST /v1/events` body that passed validation. */
export interface AgenticAuditRequest {
  agent_id: string;
  action: string;
  data: Record<string, unknown>;
  context: Record<string, unknown> | null;
  reasoning: string | null;
}

/** The service's assessment of one event (demonstration policies, see `assessAgenticAuditEvent`). */
export interface AgenticAuditAssessment {
  risk_level: 'low' | 'medium' | 'high' | 'critical';
  pii_detected: boolean;
  pii_fields: string[];
  frameworks: Record<string, string[]>;
  decision: 'allow' | 'block';
  reason: string | null;
}

/** An AgenticAudit event as the receiver stores and answers it (`201`), keys in the documented order. */
export interface StoredAgenticAuditEvent extends AgenticAuditRequest, AgenticAuditAssessment {
  /** `evt_` + 26 characters, minted by the receiver. */
  id: string;
  created_at: string;
  stored: true;
}

const FIELDS: ReadonlySet<string> = new Set(['agent_id', 'action', 'data', 'context', 'reasoning']);

/**
 * Validates a `POST /v1/events` body: `{agent_id, action, data, context?, reasoning?}`.
 *
 * @throws HttpError 422 naming the field and what it must be.
 */
export function validateAgenticAuditRequest(body: unknown): AgenticAuditRequest {
  if (!isObject(body)) throw invalid(`request body must be a JSON object, got ${show(body)}`);
  for (const key in body) {
    if (!FIELDS.has(key)) throw invalid(`'${key}' is not a known event field; allowed: agent_id, action, data, context, reasoning`);
  }
  const { agent_id: agentId, action, data, context = null, reasoning = null } = body;
  if (typeof agentId !== 'string' || agentId.trim() === '') throw invalid(`agent_id is required and must be a non-empty string, got ${show(agentId)}`);
  if (typeof action !== 'string' || action.trim() === '') throw invalid(`action is required and must be a non-empty string, got ${show(action)}`);
  if (!isObject(data)) throw invalid(`data is required and must be a JSON object, got ${show(data)}`);
  if (context !== null && !isObject(context)) throw invalid(`context must be a JSON object or null when present, got ${show(context)}`);
  if (reasoning !== null && typeof reasoning !== 'string') throw invalid(`reasoning must be a string or null when present, got ${show(reasoning)}`);
  return { agent_id: agentId, action, data, context, reasoning };
}

/** The client's own id for an event (`context.event_id`), used to store a retried event once. */
export function clientEventId(request: AgenticAuditRequest): string | undefined {
  const id = request.context?.['event_id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): HttpError {
  return new HttpError(422, message);
}
