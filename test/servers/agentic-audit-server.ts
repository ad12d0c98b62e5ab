/**
 * A strict stand-in for an AgenticAudit server (audit-apis.md §3, seed 002) on
 * 127.0.0.1: `POST /v1/events` with `Authorization: Bearer <key>`, FastAPI-style
 * `422 {detail: [{loc, msg, type}]}` for a body that does not fit the schema.
 * Stricter than the service on one point: unknown top-level fields are refused,
 * so a client sending a misspelt field fails here instead of losing it silently.
 */
import { CountWaiter } from './count-waiter.js';
import { mediaTypeOf } from './loopback-server.js';
import { startRecordingServer, type RecordedRequest, type Reply, type ScriptFn } from './recording-server.js';

export type { RecordedRequest, ScriptedReply } from './recording-server.js';

/** The assessment fields of a `201` answer. */
export interface Assessment {
  risk_level: string;
  pii_detected: boolean;
  pii_fields: string[];
  frameworks: Record<string, string[]>;
  decision: 'allow' | 'block';
  reason: string | null;
}

/** An accepted event as the server stores and answers it. */
export interface AgenticAuditEvent extends Assessment {
  id: string;
  agent_id: string;
  action: string;
  data: Record<string, unknown>;
  context: Record<string, unknown> | null;
  reasoning: string | null;
  created_at: string;
  stored: true;
}

export type AssessFn = (body: { agent_id: string; action: string; data: Record<string, unknown> }) => Partial<Assessment>;

export interface AgenticAuditTestServer {
  url: string;
  apiKey: string;
  /** Every request in arrival order, rejected and scripted ones included. */
  requests: RecordedRequest[];
  /** Accepted events in arrival order. */
  events: AgenticAuditEvent[];
  peakInFlight(): number;
  /** Replies instead of normal handling (auth included) when it returns one. */
  script(fn: ScriptFn | undefined): void;
  /** Decides the assessment of each accepted event; default low risk, allow. */
  assess(fn: AssessFn | undefined): void;
  holdReplies(millis: number): void;
  waitForEvents(count: number, timeoutMillis?: number): Promise<AgenticAuditEvent[]>;
  close(): Promise<void>;
}

const LOW_RISK: Assessment = { risk_level: 'low', pii_detected: false, pii_fields: [], frameworks: {}, decision: 'allow', reason: null };
const FIELDS = new Set(['agent_id', 'action', 'data', 'context', 'reasoning']);

/**
 * @example
 * const server = await startAgenticAuditServer();
 * server.assess(({ action }) => (action === 'delete_customer' ? { decision: 'block', reason: 'destructive', risk_level: 'critical' } : {}));
 */
export async function startAgenticAuditServer(options: { apiKey?: string } = {}): Promise<AgenticAuditTestServer> {
  const apiKey = options.apiKey ?? 'aa_live_test_0123456789';
  const events: AgenticAuditEvent[] = [];
  const waiter = new CountWaiter(() => events.length, 'events', 'waitForEvents');
  let assessFn: AssessFn | undefined;

  function handle(req: RecordedRequest): Reply {
    if (req.path !== '/v1/events') return { status: 404, body: { detail: 'Not Found' } };
    if (req.method !== 'POST') return { status: 405, body: { detail: 'Method Not Allowed' }, headers: { allow: 'GET, POST' } };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (auth?.[1] !== apiKey) return { status: 401, body: { detail: 'Invalid or missing API key' } };
    if (mediaTypeOf(req.headers['content-type']) !== 'application/json' || req.body === undefined) {
      return invalid([{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }]);
    }
    const problems = validate(req.body);
    if (problems.length > 0) return invalid(problems);
    const body = req.body as { agent_id: string; action: string; data: Record<string, unknown>; context?: Record<string, unknown> | null; reasoning?: string | null };
    const event: AgenticAuditEvent = {
      id: `01TEST${String(events.length + 1).padStart(20, '0')}`,
      agent_id: body.agent_id,
      action: body.action,
      data: body.data,
      context: body.context ?? null,
      reasoning: body.reasoning ?? null,
      ...LOW_RISK,
      ...assessFn?.(body),
      created_at: new Date().toISOString(),
      stored: true,
    };
    events.push(event);
    waiter.notify();
    return { status: 201, body: event };
  }

  const server = await startRecordingServer(handle);
  return {
    ...server, // url, requests, peakInFlight, script, holdReplies, close
    apiKey,
    events,
    assess: (fn) => { assessFn = fn; },
    waitForEvents: async (count, timeoutMillis) => {
      await waiter.wait(count, timeoutMillis);
      return events;
    },
  };
}

interface Problem {
  type: string;
  loc: Array<string | number>;
  msg: string;
}

/** The schema of `POST /v1/events`, as pydantic would check it. */
function validate(body: unknown): Problem[] {
  if (!isObject(body)) return [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary' }];
  const problems: Problem[] = [];
  for (const field of ['agent_id', 'action'] as const) {
    const value = body[field];
    if (value === undefined) problems.push({ type: 'missing', loc: ['body', field], msg: 'Field required' });
    else if (typeof value !== 'string') problems.push({ type: 'string_type', loc: ['body', field], msg: 'Input should be a valid string' });
    else if (value.trim() === '') problems.push({ type: 'string_too_short', loc: ['body', field], msg: 'String should have at least 1 character' });
  }
  if (body.data === undefined) problems.push({ type: 'missing', loc: ['body', 'data'], msg: 'Field required' });
  else if (!isObject(body.data)) problems.push({ type: 'dict_type', loc: ['body', 'data'], msg: 'Input should be a valid dictionary' });
  if (body.context !== undefined && body.context !== null && !isObject(body.context)) {
    problems.push({ type: 'dict_type', loc: ['body', 'context'], msg: 'Input should be a valid dictionary' });
  }
  if (body.reasoning !== undefined && body.reasoning !== null && typeof body.reasoning !== 'string') {
    problems.push({ type: 'string_type', loc: ['body', 'reasoning'], msg: 'Input should be a valid string' });
  }
  for (const key of Object.keys(body)) {
    if (!FIELDS.has(key)) problems.push({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted' });
  }
  return problems;
}

function invalid(detail: Problem[]): Reply {
  return { status: 422, body: { detail } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
