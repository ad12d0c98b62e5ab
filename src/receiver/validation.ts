// Request-body validation, as strict as the Secureagentics API
// (audit-apis.md §1): a client that passes here will not be surprised by the
// real service. Every failure is an HttpError 400 naming the field.
import { HttpError } from './http-error.js';
import { parseTimestampMicros } from './timestamp.js';

/** The five event types of the Secureagentics event model. */
export const EVENT_TYPES = ['prompt', 'completion', 'tool_call', 'error', 'custom'] as const;
/** One of {@link EVENT_TYPES}. */
export type AuditEventType = (typeof EVENT_TYPES)[number];

/** Most events one batch request may carry (audit-apis.md §1). */
export const MAX_BATCH_EVENTS = 100;

/** A `POST /v1/agents` body that passed validation. */
export interface AgentRegistration {
  name: string;
  framework: string;
  description?: string;
}

/** An event that passed validation, with its timestamp resolved. */
export interface ValidEvent {
  type: AuditEventType;
  payload: Record<string, unknown>;
  trace_id?: string;
  /** As submitted, or the server time when absent. */
  timestamp: string;
  /** {@link timestamp} as microseconds since the epoch, for ordering and filtering. */
  timestampMicros: number;
  /** Whether the request gave the timestamp (else it is the arrival time). */
  timestampGiven: boolean;
}

/** The server time a request arrived at, used for events without a timestamp. */
export interface ArrivalTime {
  iso: string;
  micros: number;
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const TYPE_LIST = EVENT_TYPES.join(', ');

/** Validates a `POST /v1/agents` body: `{name, framework, description?}`, nothing else. */
export function validateAgentRegistration(body: unknown): AgentRegistration {
  const object = requireObject(body, 'request body');
  for (const key in object) {
    if (key !== 'name' && key !== 'framework' && key !== 'description') {
      throw invalid(`'${key}' is not a known agent field; allowed: name, framework, description`);
    }
  }
  const { name, framework, description } = object;
  if (!isNonEmptyString(name)) throw invalid(`name must be a non-empty string, got ${show(name)}`);
  // The docs only ever send framework "custom"; any non-empty name is accepted.
  if (!isNonEmptyString(framework)) throw invalid(`framework must be a non-empty string, got ${show(framework)}`);
  if (description !== undefined && typeof description !== 'string') {
    throw invalid(`description must be a string when present, got ${show(description)}`);
  }
  return description === undefined ? { name, framework } : { name, framework, description };
}

/**
 * Validates one event. `where` prefixes field names in messages: `''` for the
 * single-event endpoint, `events[3]` inside a batch.
 */
export function validateEvent(value: unknown, where: string, arrival: ArrivalTime): ValidEvent {
  const event = requireObject(value, where === '' ? 'request body' : where);
  for (const key in event) {
    if (key !== 'type' && key !== 'payload' && key !== 'trace_id' && key !== 'timestamp') {
      throw invalid(`${field(where, key)} is not a known event field; allowed: type, payload, trace_id, timestamp`);
    }
  }
  const { type, payload, trace_id: traceId, timestamp } = event;
  if (typeof type !== 'string' || !EVENT_TYPE_SET.has(type)) {
    throw invalid(`${field(where, 'type')} must be one of ${TYPE_LIST}, got ${show(type)}`);
  }
  if (!isObject(payload)) {
    throw invalid(`${field(where, 'payload')} is required and must be a JSON object, got ${show(payload)}`);
  }
  if (traceId !== undefined && !isNonEmptyString(traceId)) {
    throw invalid(`${field(where, 'trace_id')} must be a non-empty string when present, got ${show(traceId)}`);
  }

  let resolved = arrival;
  if (timestamp !== undefined) {
    const micros = typeof timestamp === 'string' ? parseTimestampMicros(timestamp) : undefined;
    if (micros === undefined) {
      throw invalid(
        `${field(where, 'timestamp')} must be an ISO 8601 date-time such as 2026-05-04T10:30:00Z, got ${show(timestamp)}`,
      );
    }
    resolved = { iso: timestamp as string, micros };
  }
  const valid: ValidEvent = {
    type: type as AuditEventType,
    payload,
    timestamp: resolved.iso,
    timestampMicros: resolved.micros,
    timestampGiven: timestamp !== undefined,
  };
  if (traceId !== undefined) valid.trace_id = traceId;
  return valid;
}

/**
 * Validates a `POST …/events/batch` body: exactly `{events: [1..100 events]}`.
 * A bare array is refused (audit-apis.md §1 decision: the API reference's
 * object wins over the guide's array). One invalid event rejects the whole
 * batch, so a batch is stored entirely or not at all.
 */
export function validateBatch(body: unknown, arrival: ArrivalTime): ValidEvent[] {
  if (Array.isArray(body)) {
    throw invalid('batch body must be an object {"events": [...]}, not a bare array');
  }
  const object = requireObject(body, 'request body');
  for (const key in object) {
    if (key !== 'events') throw invalid(`'${key}' is not a known batch field; the body is {"events": [...]}`);
  }
  const { events } = object;
  if (!Array.isArray(events)) throw invalid(`events is required and must be an array, got ${show(events)}`);
  if (events.length === 0 || events.length > MAX_BATCH_EVENTS) {
    throw invalid(`a batch must hold 1 to ${MAX_BATCH_EVENTS} events, got ${events.length}`);
  }
  const valid = new Array<ValidEvent>(events.length);
  for (let i = 0; i < events.length; i++) {
    try {
      valid[i] = validateEvent(events[i], `events[${i}]`, arrival);
    } catch (error) {
      throw invalid(`batch rejected, no events stored: ${(error as Error).message}`);
    }
  }
  return valid;
}

/** A field's name in messages: `type`, or `events[3].type` inside a batch. */
function field(where: string, name: string): string {
  return where === '' ? name : `${where}.${name}`;
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw invalid(`${what} must be a JSON object, got ${show(value)}`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** A short description of a rejected value for messages; long strings are cut. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

function invalid(message: string): HttpError {
  return new HttpError(400, message);
}
