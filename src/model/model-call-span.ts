/**
 * Which spans describe one model call, told from what a span carries when it
 * *starts* (the span processor asks in `onStart`, before any end). Used to
 * keep one call to one prompt/completion pair when several spans describe it,
 * and to report calls whose span never ends.
 */
import type { Attributes } from '@opentelemetry/api';

const GENAI_MODEL_OPERATIONS: ReadonlySet<unknown> = new Set(['chat', 'text_completion', 'generate_content']);
const VERCEL_MODEL_CALL = /^ai\.\w+\.do(?:Generate|Stream)$/;

/** True for an LLM-call span of any convention we read. Never throws. */
export function startsAsModelCall(name: string, attributes: Attributes): boolean {
  const inferenceKind = attributes['openinference.span.kind'];
  if (inferenceKind !== undefined) return inferenceKind === 'LLM';
  if (GENAI_MODEL_OPERATIONS.has(attributes['gen_ai.operation.name'])) return true;
  const requestType = attributes['llm.request.type']; // OpenLLMetry ≤ 0.22
  if (requestType === 'chat' || requestType === 'completion') return true;
  const operationId = attributes['ai.operationId'];
  return VERCEL_MODEL_CALL.test(typeof operationId === 'string' ? operationId : name);
}

const SCOPE_OPERATIONS: ReadonlySet<unknown> = new Set(['execute_tool', 'invoke_agent', 'create_agent', 'invoke_workflow']);
const SCOPE_INFERENCE_KINDS: ReadonlySet<unknown> = new Set(['TOOL', 'AGENT', 'CHAIN']);

/**
 * True for a tool or agent span: what runs inside it (a sub-agent's model
 * calls) is its own activity, even when it runs inside a model call's span
 * (Vercel's `ai.toolCall` is a child of `doStream`).
 */
export function startsOwnScope(name: string, attributes: Attributes): boolean {
  if (SCOPE_OPERATIONS.has(attributes['gen_ai.operation.name'])) return true;
  if (SCOPE_INFERENCE_KINDS.has(attributes['openinference.span.kind'])) return true;
  if (attributes['traceloop.span.kind'] !== undefined) return true;
  const operationId = attributes['ai.operationId'];
  return (typeof operationId === 'string' ? operationId : name) === 'ai.toolCall';
}
