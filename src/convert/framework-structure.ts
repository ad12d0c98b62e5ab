/**
 * The plumbing spans of agent frameworks: LangChain's chains and graph nodes
 * (both LangChain instrumentations), the OpenAI Agents SDK's task and turn
 * spans and its first agent's span (OpenInference's bridge, and ours:
 * `audit.framework.plumbing`), Mastra's generation, step and chunk spans
 * (its OpenTelemetry bridge). They carry no agent activity of their own —
 * their model calls, tools and agents have spans of their own — so they make
 * no events; an error on them is the same error their failing child already
 * reported, so it is not reported again. Tried before every convention.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AUDIT_FRAMEWORK_PLUMBING } from '../model/attributes.js';
import type { SpanConverter } from './span-converter.js';

const OPENINFERENCE_LANGCHAIN = '@arizeai/openinference-instrumentation-langchain';
const OPENINFERENCE_OPENAI_AGENTS = '@arizeai/openinference-instrumentation-openai-agents';
const TRACELOOP_LANGCHAIN = '@traceloop/instrumentation-langchain';

const MASTRA_PLUMBING: ReadonlySet<unknown> = new Set(['model_step', 'model_chunk']);

/** True for a framework's plumbing span (see the module comment). */
export function isFrameworkStructure(span: ReadableSpan): boolean {
  const scope = span.instrumentationScope?.name;
  const a = span.attributes;
  // Our own bridges mark theirs (auditAgentsTraceProcessor: the SDK's trace, the agent its run started with).
  if (a[AUDIT_FRAMEWORK_PLUMBING] === true) return true;
  const mastra = a['mastra.span.type'];
  // Mastra's exporter ≤ 1.3 writes the whole generation as the one `chat` span: then it is the model call.
  if (mastra !== undefined) return MASTRA_PLUMBING.has(mastra) || (mastra === 'model_generation' && a['gen_ai.operation.name'] !== 'chat');
  if (scope === OPENINFERENCE_LANGCHAIN) return a['openinference.span.kind'] === 'CHAIN';
  if (scope === OPENINFERENCE_OPENAI_AGENTS) {
    const kind = a['openinference.span.kind'];
    // The trace's own AGENT span (it names no agent) and the agent the run
    // started with are the run itself; an agent with a parent is a sub-agent's turn.
    return kind === 'CHAIN' || (kind === 'AGENT' && a['graph.node.parent_id'] === undefined);
  }
  if (scope === TRACELOOP_LANGCHAIN) {
    const kind = a['traceloop.span.kind'];
    return (kind === 'workflow' || kind === 'task') && a['gen_ai.operation.name'] !== 'execute_tool';
  }
  return false;
}

/** Claims the plumbing spans so that no other convention turns them into events. */
export const frameworkStructureConverter: SpanConverter = {
  name: 'framework-structure',
  structural: true,
  matches: isFrameworkStructure,
  convert() {
    // Nothing: see the module comment.
  },
};
