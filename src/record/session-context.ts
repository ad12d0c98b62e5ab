/**
 * Where the active session lives: a value in the OTel context (not baggage,
 * so session ids never leave the process in outgoing request headers).
 */
import { createContextKey, type Context } from '@opentelemetry/api';

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
