import { randomUUID } from 'node:crypto';
import { context, SpanKind, trace, TraceFlags, type Attributes, type Link, type Span } from '@opentelemetry/api';
import {
  AUDIT_SESSION_ROOT,
  GEN_AI_AGENT_ID,
  GEN_AI_AGENT_NAME,
  GEN_AI_CONVERSATION_ID,
  GEN_AI_OPERATION_NAME,
  OPERATION_INVOKE_AGENT,
} from '../model/attributes.js';
import { DEFAULTS } from '../config/defaults.js';
import { attributesOption, optionsObject, readOption, textOption } from './read-input.js';
import { RecordingProblems } from './recording-problems.js';
import { callUserFunction, runInSpan, type Recorded } from './run-in-span.js';
import { sessionFromContext, withSessionIdentity, type SessionIdentity } from '../model/session-context.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:record');

/** Options of {@link withSession}. */
export interface SessionOptions {
  /** Session id; default a random UUID. Written as `gen_ai.conversation.id`. */
  sessionId?: string;
  /** The agent's name, on every span of the session. Default: the enclosing session's agent name, else `'agent'`. */
  agentName?: string;
  /** The agent's id, when it has one (`gen_ai.agent.id`). */
  agentId?: string;
  /** Extra attributes for the session's root span. */
  attributes?: Attributes;
}

/** What the session's function receives. */
export interface SessionHandle {
  readonly sessionId: string;
  readonly agentName: string;
  /** The session's root span. */
  readonly span: Span;
}

/**
 * Runs `fn` as one agent session. The session *is* a root span
 * (`invoke_agent {agentName}`): its start and end are the session's, its status
 * the outcome. Every span started inside, by our helpers or by any other
 * library, carries the session id and agent name (stamped by the audit span
 * processor). A session always starts a new trace; a span active at the call
 * is linked, not parented, so one request can run several sessions.
 *
 * A throw or rejection is recorded on the root span and re-thrown unchanged.
 * Options of the wrong type, or that throw when read, never fail the session:
 * defaults stand in for them, and the root span is marked by an
 * `audit.recording.problem` event (said once through `diag`). A numeric id
 * or name is recorded as its text.
 *
 * @throws {TypeError} only when `fn` is not a function (recorded on the root span first).
 * @example
 * await withSession({ agentName: 'support-bot' }, async ({ sessionId }) => {
 *   const reply = await withLLMCall({ model: 'gpt-4o', messages }, () => client.chat.completions.create(req));
 * });
 */
export function withSession<T>(options: SessionOptions, fn: (session: SessionHandle) => T): Recorded<T> {
  const problems = new RecordingProblems('withSession');
  const given = optionsObject(options, problems);
  const sessionId = textOption(given, 'sessionId', problems) ?? randomUUID();
  const agentName = textOption(given, 'agentName', problems) ?? inheritedAgentName() ?? DEFAULTS.agentName;
  const agentId = textOption(given, 'agentId', problems);
  const identity: SessionIdentity = { sessionId, agentName, ...(agentId !== undefined && { agentId }) };
  const attributes: Attributes = {
    ...attributesOption(readOption(given, 'attributes', problems), 'attributes', problems),
    [GEN_AI_OPERATION_NAME]: OPERATION_INVOKE_AGENT,
    [GEN_AI_CONVERSATION_ID]: identity.sessionId,
    [GEN_AI_AGENT_NAME]: identity.agentName,
    [AUDIT_SESSION_ROOT]: true,
  };
  if (identity.agentId !== undefined) attributes[GEN_AI_AGENT_ID] = identity.agentId;

  const active = trace.getActiveSpan()?.spanContext();
  const links: Link[] = active && trace.isSpanContextValid(active) ? [{ context: active }] : [];
  const parent = withSessionIdentity(context.active(), identity);

  return runInSpan(
    `${OPERATION_INVOKE_AGENT} ${identity.agentName}`,
    { root: true, kind: SpanKind.INTERNAL, attributes, links },
    parent,
    (span) => {
      problems.bind(span);
      // The audit processor exports sampled spans only, as every exporter does.
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) warnNotRecorded();
      return callUserFunction(fn, { sessionId: identity.sessionId, agentName: identity.agentName, span }, 'withSession');
    },
  );
}

let warnedNotRecorded = false;

/** An unsampled session leaves no audit trail at all: say so, once. */
function warnNotRecorded(): void {
  if (warnedNotRecorded) return;
  warnedNotRecorded = true;
  log.warn(
    'a session is not being recorded, so none of it reaches the audit trail: no tracer provider is registered, ' +
      "or its sampler dropped the session's root span. Use setupAudit(), or a sampler that keeps sessions (e.g. AlwaysOn).",
  );
}

function inheritedAgentName(): string | undefined {
  return sessionFromContext(context.active())?.agentName;
}

/**
 * The session active at the call site, if any.
 *
 * @example
 * logger.info({ session: activeSession()?.sessionId }, 'refund approved');
 */
export function activeSession(): SessionIdentity | undefined {
  return sessionFromContext(context.active());
}
