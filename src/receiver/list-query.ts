// Query parameters of `GET /v1/agents/{id}/events` (audit-apis.md §1).
import { HttpError } from './http-error.js';
import { parseTimestampMicros } from './timestamp.js';
import { EVENT_TYPES, type AuditEventType } from './validation.js';

/** A validated event-list query. Bounds are inclusive, in epoch microseconds. */
export interface ListQuery {
  limit: number;
  offset: number;
  type?: AuditEventType;
  fromMicros?: number;
  toMicros?: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const KNOWN = new Set(['limit', 'offset', 'type', 'from', 'to']);
const DIGITS = /^\d+$/;

/**
 * Parses and validates the query string (without the leading `?`).
 * Unknown or repeated parameters are refused rather than ignored, so a typo
 * such as `limt=5` does not silently return the default page.
 *
 * @throws HttpError 400 naming the parameter.
 */
export function parseListQuery(search: string): ListQuery {
  const params = new URLSearchParams(search);
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name)) throw invalid(`unknown query parameter '${name}'; allowed: limit, offset, type, from, to`);
    if (params.getAll(name).length > 1) throw invalid(`query parameter '${name}' is given more than once`);
  }

  const query: ListQuery = {
    limit: parseInteger(params.get('limit'), 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    offset: parseInteger(params.get('offset'), 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
  const type = params.get('type');
  if (type !== null) {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      throw invalid(`type must be one of ${EVENT_TYPES.join(', ')}, got '${type}'`);
    }
    query.type = type as AuditEventType;
  }
  const from = parseBound(params.get('from'), 'from');
  if (from !== undefined) query.fromMicros = from;
  const to = parseBound(params.get('to'), 'to');
  if (to !== undefined) query.toMicros = to;
  return query;
}

function parseInteger(raw: string | null, name: string, fallback: number, min: number, max: number): number {
  if (raw === null) return fallback;
  const value = DIGITS.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw invalid(`${name} must be ${range}, got '${raw}'`);
  }
  return value;
}

function parseBound(raw: string | null, name: string): number | undefined {
  if (raw === null) return undefined;
  const micros = parseTimestampMicros(raw);
  if (micros === undefined) {
    // A raw '+' in a query string decodes to a space, so `+02:00` arrives broken.
    const hint = raw.includes(' ') ? " (encode a '+' offset as %2B)" : '';
    throw invalid(`${name} must be an ISO 8601 date-time such as 2026-05-01T00:00:00Z, got '${raw}'${hint}`);
  }
  return micros;
}

function invalid(message: string): HttpError {
  return new HttpError(400, message);
}
