/**
 * A strict stand-in for the AgentSudo API (audit-apis.md §4, seed 003) on
 * 127.0.0.1: `POST /ingest-event` with `X-API-Key`, error bodies `{error}`
 * (400 INVALID_PAYLOAD, 401 INVALID_API_KEY, 429 RATE_LIMITED, 500
 * INTERNAL_ERROR). Unknown fields and wrong types are refused as
 * INVALID_PAYLOAD, so a client cannot lose a field silently.
 */
import { randomUUID } from 'node:crypto';
import { CountWaiter } from './count-waiter.js';
import { mediaTypeOf } from './loopback-server.js';
import { startRecordingServer, type RecordedRequest, type Reply, type ScriptFn } from './recording-server.js';
import type { ScriptedReply } from './scripted-reply.js';

export type { RecordedRequest, ScriptedReply } from './recording-server.js';

/** An accepted event: the request body as stored, plus the receipt fields. */
export interface AgentSudoEvent {
  id: string;
  project_id: string;
  agent_id: string;
  agent_name: string;
  action: string;
  scope: string | null;
  allowed: boolean;
  function_name: string | null;
  metadata: Record<string, unknown>;
  timestamp: string;
}

export interface AgentSudoTestServer {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  events: AgentSudoEvent[];
  peakInFlight(): number;
  script(fn: ScriptFn | undefined): void;
  holdReplies(millis: number): void;
  waitForEvents(count: number, timeoutMillis?: number): Promise<AgentSudoEvent[]>;
  close(): Promise<void>;
}

/** The documented 429 (RATE_LIMITED), for scripts; `retryAfter` in seconds when given. */
export function rateLimited(retryAfter?: number): ScriptedReply {
  return {
    status: 429,
    body: { error: 'Rate limit exceeded: daily event quota reached' },
    ...(retryAfter !== undefined && { headers: { 'retry-after': String(retryAfter) } }),
  };
}

const PROJECT_ID = '5f0c1a52-0000-4000-8000-000000000001';
const OPTIONAL_STRINGS = ['scope', 'function_name'] as const;
const FIELDS = new Set(['agent_name', 'action', 'scope', 'allowed', 'function_name', 'metadata']);

/**
 * @example
 * const server = await startAgentSudoServer();
 * server.script(() => rateLimited(86_400)); // a spent daily quota
 */
export async function startAgentSudoServer(options: { apiKey?: string } = {}): Promise<AgentSudoTestServer> {
  const apiKey = options.apiKey ?? 'as_test_0123456789';
  const events: AgentSudoEvent[] = [];
  const agentIds = new Map<string, string>();
  const waiter = new CountWaiter(() => events.length, 'events', 'waitForEvents');

  function handle(req: RecordedRequest): Reply {
    if (req.path !== '/ingest-event') return error(404, 'Not found');
    if (req.method !== 'POST') return error(405, 'Method not allowed');
    // Exactly this header; `Authorization: Bearer` is not accepted.
    if (req.headers['x-api-key'] !== apiKey) return error(401, 'Invalid API key');
    if (mediaTypeOf(req.headers['content-type']) !== 'application/json' || req.body === undefined) {
      return error(400, 'Invalid payload: body must be a JSON object');
    }
    const problem = validate(req.body);
    if (problem !== undefined) return error(400, problem);
    const body = req.body as Record<string, unknown>;
    const agentName = body.agent_name as string;
    if (!agentIds.has(agentName)) agentIds.set(agentName, randomUUID());
    const event: AgentSudoEvent = {
      id: randomUUID(),
      project_id: PROJECT_ID,
      agent_id: agentIds.get(agentName)!,
      agent_name: agentName,
      action: body.action as string,
      scope: (body.scope as string | undefined) ?? null,
      allowed: body.allowed as boolean,
      function_name: (body.function_name as string | undefined) ?? null,
      metadata: (body.metadata as Record<string, unknown> | undefined) ?? {},
      timestamp: new Date().toISOString(),
    };
    events.push(event);
    waiter.notify();
    const { id, project_id, agent_id, agent_name, action, scope, allowed, timestamp } = event;
    return { status: 201, body: { id, project_id, agent_id, agent_name, action, scope, allowed, timestamp } };
  }

  const server = await startRecordingServer(handle);
  return {
    ...server, // url, requests, peakInFlight, script, holdReplies, close
    apiKey,
    events,
    waitForEvents: async (count, timeoutMillis) => {
      await waiter.wait(count, timeoutMillis);
      return events;
    },
  };
}

/** The INVALID_PAYLOAD message for `body`, or undefined when it is valid. */
function validate(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Invalid payload: body must be a JSON object';
  const b = body as Record<string, unknown>;
  const missing = ['agent_name', 'action', 'allowed'].filter((field) => b[field] === undefined || b[field] === null);
  if (missing.length > 0) return `Missing required fields: ${missing.join(', ')}`;
  for (const field of ['agent_name', 'action'] as const) {
    if (typeof b[field] !== 'string' || (b[field] as string).trim() === '') return `Invalid payload: ${field} must be a non-empty string`;
  }
  if (typeof b.allowed !== 'boolean') return 'Invalid payload: allowed must be a boolean';
  for (const field of OPTIONAL_STRINGS) {
    if (b[field] !== undefined && typeof b[field] !== 'string') return `Invalid payload: ${field} must be a string`;
  }
  if (b.metadata !== undefined && (typeof b.metadata !== 'object' || b.metadata === null || Array.isArray(b.metadata))) {
    return 'Invalid payload: metadata must be an object';
  }
  const unknown = Object.keys(b).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) return `Invalid payload: unknown fields ${unknown.join(', ')}`;
  return undefined;
}

function error(status: number, message: string): Reply {
  return { status, body: { error: message } };
}
