/**
 * Where the active session lives: a value in the OTel context (not baggage,
 * so session ids never leave the process in outgoing request headers).
 */
import { createContextKey, type Attributes, type Context } from '@opentelemetry/api';
import { GEN_AI_AGENT_ID, GEN_AI_AGENT_NAME, GEN_AI_CONVERSATION_ID } from './attributes.js';

/** The identity every span inside a session is stamped with. */
export interface SessionIdentity {
  readonly sessionId: string;
  readonly agentName: string;
  readonly agentId?: string;
}

const SESSION_KEY = createContextKey('otel-agent-audit.session');

export function withSessionIdentity(ctx: Context, session: SessionIdentity): Context {
  return ctx.setValue(SESSION_KEY, session);
}

export function sessionFromContext(ctx: Context): SessionIdentity | undefined {
  return ctx.getValue(SESSION_KEY) as SessionIdentity | undefined;
}

/**
 * The session identity attributes a span inside `session` lacks: a span's own
 * id or agent (set by its library) is never overridden.
 */
export function missingSessionAttributes(session: SessionIdentity, existing: Attributes): Attributes | undefined {
  let missing: Attributes | undefined;
  if (existing[GEN_AI_CONVERSATION_ID] === undefined) (missing ??= {})[GEN_AI_CONVERSATION_ID] = session.sessionId;
  if (existing[GEN_AI_AGENT_NAME] === undefined) (missing ??= {})[GEN_AI_AGENT_NAME] = session.agentName;
  if (session.agentId !== undefined && existing[GEN_AI_AGENT_ID] === undefined) (missing ??= {})[GEN_AI_AGENT_ID] = session.agentId;
  return missing;
}
