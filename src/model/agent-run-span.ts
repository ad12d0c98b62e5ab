/**
 * Which spans are an agent framework's *run* — the span an agent's whole
 * activity nests under — told from what a span carries so far: at its start,
 * or (for instrumentations that describe a span only just after starting
 * it) when its first child starts. With no `withSession` around it, such a
 * run is the audit trail's session (the audit span processor maps it so).
 */
import type { Attributes } from '@opentelemetry/api';
import { AUDIT_SESSION_ROOT } from './attributes.js';
import { readAgentName, readSessionId } from './span-identity.js';
import { TRACER_NAME } from './version.js';
import { nonEmptyText } from './foreign-value.js';

/** What a run's span says about the session it stands for. */
export interface AgentRun {
  /** The framework's own conversation or thread id, when it writes one. */
  readonly sessionId: string | undefined;
  /** The agent's name, when the span says it. */
  readonly agentName: string | undefined;
}

const GENAI_RUN_OPERATIONS: ReadonlySet<unknown> = new Set(['invoke_agent', 'invoke_workflow']);
const TRACELOOP_RUN_KINDS: ReadonlySet<unknown> = new Set(['agent', 'workflow']);
/** OpenInference's LangChain tracer: a root run (an agent, a graph, a chain) is the unit of work. */
const OPENINFERENCE_LANGCHAIN = '@arizeai/openinference-instrumentation-langchain';
const OPENINFERENCE_OPENAI_AGENTS = '@arizeai/openinference-instrumentation-openai-agents';
/**
 * OpenLLMetry's LangChain handler drops the parent of every run it traces
 * (each span is a root), and its MCP session span is a connection: neither
 * can stand for a run.
 */
const NOT_RUNS: ReadonlySet<string> = new Set(['@traceloop/instrumentation-langchain', '@traceloop/instrumentation-mcp']);

/**
 * The run a span outside any session stands for, or undefined when
 * it is not an agent run of any convention we read: an OpenInference `AGENT`
 * span or a root `CHAIN` of OpenInference's LangChain tracer, a GenAI
 * `invoke_agent` / `invoke_workflow` span, an OpenLLMetry `agent` /
 * `workflow` span. Never throws.
 *
 * @example
 * agentRunOf('Agent workflow', { 'openinference.span.kind': 'AGENT', 'agent.name': 'weather-agent' });
 * // → { sessionId: undefined, agentName: 'weather-agent' }
 */
export function agentRunOf(name: string, attributes: Attributes, scope?: string): AgentRun | undefined {
  if (scope !== undefined && NOT_RUNS.has(scope)) return undefined;
  const inferenceKind = attributes['openinference.span.kind'];
  const isRun =
    inferenceKind === 'AGENT' ||
    (inferenceKind === 'CHAIN' && scope === OPENINFERENCE_LANGCHAIN) ||
    GENAI_RUN_OPERATIONS.has(attributes['gen_ai.operation.name']) ||
    TRACELOOP_RUN_KINDS.has(attributes['traceloop.span.kind']);
  if (!isRun) return undefined;
  return { sessionId: readSessionId(attributes), agentName: readAgentName(attributes) ?? entityName(attributes) ?? agentFromSpanName(name) };
}

/** OpenLLMetry names the workflow or agent in `traceloop.entity.name`. */
function entityName(attributes: Attributes): string | undefined {
  return nonEmptyText(attributes['traceloop.entity.name']);
}

/** GenAI names an agent span `invoke_agent {agent}`. */
function agentFromSpanName(name: string): string | undefined {
  const prefix = 'invoke_agent ';
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}

/**
 * The agent an agent span names as its own (not one stamped from the
 * session): OpenInference's `agent.name` or, from the OpenAI Agents bridge,
 * `graph.node.id` on `AGENT` spans — and before the bridge writes either
 * (at the span's end), the name of the bridge's span (`span`), which is the
 * agent's; `gen_ai.agent.name`
 * on a GenAI `invoke_agent` span. Undefined for any other span. Read live:
 * some instrumentations name the agent only after the span started.
 *
 * @example
 * agentNameOf({ 'openinference.span.kind': 'AGENT', 'graph.node.id': 'forecast-agent' }); // 'forecast-agent'
 */
export function agentNameOf(attributes: Attributes, span?: { name: string; scope: string | undefined }): string | undefined {
  if (attributes['openinference.span.kind'] === 'AGENT') {
    const named = nonEmptyText(attributes['agent.name']) ?? nonEmptyText(attributes['graph.node.id']);
    return named ?? (span?.scope === OPENINFERENCE_OPENAI_AGENTS ? nonEmptyText(span.name) : undefined);
  }
  if (attributes['gen_ai.operation.name'] === 'invoke_agent') return nonEmptyText(attributes['gen_ai.agent.name']);
  return undefined;
}


/**
 * A run whose instrumentation names it only at its end, outside any session:
 * Mastra's bridge starts every span bare and writes `mastra.span.type` when
 * it ends, so no run can be told at start. Its root `agent_run` then stands
 * for the session when nothing stamped a session on it, and its spans share
 * the run id (`mastra.metadata.runId`) as their session id.
 *
 * @example
 * isLateRunRoot({ 'mastra.span.type': 'agent_run' }); // true
 */
export function isLateRunRoot(attributes: Attributes): boolean {
  return attributes['mastra.span.type'] === 'agent_run' && attributes['gen_ai.conversation.id'] === undefined;
}

/**
 * A framework's run that stands for a session: one the audit span processor
 * made a session's root (not a `withSession` span of our helpers, which end
 * theirs), or a run told only at its end ({@link isLateRunRoot}).
 */
export function isFrameworkRun(span: { readonly attributes: Attributes; readonly instrumentationScope?: { readonly name: string } }): boolean {
  return (span.attributes[AUDIT_SESSION_ROOT] === true && span.instrumentationScope?.name !== TRACER_NAME) || isLateRunRoot(span.attributes);
}
