/**
 * The session and agent a span belongs to, from whichever convention wrote
 * it. Our own `withSession` stamps `gen_ai.conversation.id` and
 * `gen_ai.agent.name`; other instrumentations carry their own names. Read
 * once per span (hot path): a few property lookups, first hit wins.
 */
import type { Attributes } from '@opentelemetry/api';
import { GEN_AI_AGENT_ID, GEN_AI_AGENT_NAME, GEN_AI_CONVERSATION_ID } from './attributes.js';
import { readString } from './span-reader.js';

// LangSmith's `langsmith.trace.session_id` names a project, not a
// conversation (span-conventions.md, "Others"): it is deliberately absent.
// A convention's own session id wins over `gen_ai.conversation.id`, which
// `withSession` stamps on every span inside it: the instrumentation knows its
// conversation better than the enclosing session does.
const SESSION_ID_KEYS = [
  'session.id', // OpenInference
  'ai.telemetry.metadata.sessionId', // Vercel AI SDK, by convention of its users
  'traceloop.association.properties.session_id', // OpenLLMetry
  'langsmith.metadata.session_id',
  'langsmith.metadata.thread_id',
  'langsmith.metadata.conversation_id',
  GEN_AI_CONVERSATION_ID,
  // Last: a Mastra run outside any session is its own session (agent-run-span.ts).
  'mastra.metadata.runId',
] as const;

// `ai.telemetry.functionId` names a call site, not an agent: not read as one.
const AGENT_NAME_KEYS = [
  GEN_AI_AGENT_NAME,
  'agent.name', // OpenInference
  'ai.telemetry.metadata.agentName', // Vercel AI SDK
  'traceloop.association.properties.agent_name', // OpenLLMetry
] as const;

const AGENT_ID_KEYS = [GEN_AI_AGENT_ID, 'ai.telemetry.metadata.agentId'] as const;

function readFirst(attributes: Attributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = readString(attributes, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The span's session id.
 *
 * @example
 * readSessionId({ 'session.id': 'chat-42' }); // → 'chat-42'
 * @param ownSpan true for spans of our own helpers (instrumentation scope `otel-agent-audit`).
 */
export function readSessionId(attributes: Attributes, ownSpan = false): string | undefined {
  // Our own spans carry only the GenAI key: no other convention to look for (hot path).
  return ownSpan ? readString(attributes, GEN_AI_CONVERSATION_ID) : readFirst(attributes, SESSION_ID_KEYS);
}

/** The span's agent name. */
export function readAgentName(attributes: Attributes): string | undefined {
  return readFirst(attributes, AGENT_NAME_KEYS);
}

/** The span's agent id. */
export function readAgentId(attributes: Attributes): string | undefined {
  return readFirst(attributes, AGENT_ID_KEYS);
}
