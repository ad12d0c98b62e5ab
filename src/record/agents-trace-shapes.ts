import { member, nonEmptyText } from '../model/foreign-value.js';
/**
 * The shapes of what the OpenAI Agents SDK (`@openai/agents-core` 0.14,
 * `tracing/processor.d.ts`, `spans.d.ts`, `traces.d.ts`) hands a trace
 * processor, declared here so that the SDK is no dependency of this package:
 * only the fields we read, every one optional in spirit. `readAgentsSpan`
 * reads one safely: a getter that throws or a field of the wrong type
 * leaves that field out, never fails the callback.
 */

/** A trace: one run of the SDK's Runner (`withTrace`), named by the workflow. */
export interface AgentsTrace {
  readonly traceId: string;
  readonly name: string;
  readonly groupId?: string | null;
}

/** The error the SDK sets on a span (`span.setError`): a summary, and details such as `{ error: 'Error: …' }`. */
export interface AgentsSpanError {
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/**
 * A span's data, by `type`: `task` (the run), `agent`, `turn`, `generation`
 * (Chat Completions: `model`, `model_config`, `input` messages, `output`
 * = the API's responses, `usage`), `response` (Responses API: `_input`,
 * `_response`, `response_id`), `function` (`name`, `input` and `output` as
 * text), `handoff` (`from_agent`, `to_agent`), `guardrail` (`name`,
 * `triggered`), `custom` (`name`, `data`), `mcp_tools`, `transcription`,
 * `speech`, `speech_group`.
 */
export interface AgentsSpanData {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A span as a trace processor receives it (the SDK's `Span`). */
export interface AgentsSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | null;
  readonly spanData: AgentsSpanData;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly error: AgentsSpanError | null;
}

/**
 * The SDK's `TracingProcessor`, structurally: what `addTraceProcessor` and
 * `setTraceProcessors` of `@openai/agents` accept.
 */
export interface AgentsTracingProcessor {
  onTraceStart(trace: AgentsTrace): Promise<void>;
  onTraceEnd(trace: AgentsTrace): Promise<void>;
  onSpanStart(span: AgentsSpan): Promise<void>;
  onSpanEnd(span: AgentsSpan): Promise<void>;
  shutdown(timeout?: number): Promise<void>;
  forceFlush(): Promise<void>;
}

/** A span as read: ids and data, each field present only when it had the type we expect. */
export interface AgentsSpanView {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | undefined;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Milliseconds since the epoch, from the SDK's ISO time. */
  readonly startedAtMillis: number | undefined;
  readonly endedAtMillis: number | undefined;
  readonly error: { readonly message: string; readonly detail: string | undefined } | undefined;
}

/**
 * `span` read safely; undefined when it has no trace id, span id or data type.
 *
 * @example
 * readAgentsSpan(span)?.type; // 'generation'
 */
export function readAgentsSpan(span: unknown): AgentsSpanView | undefined {
  const traceId = nonEmptyText(member(span, 'traceId'));
  const spanId = nonEmptyText(member(span, 'spanId'));
  const data = member(span, 'spanData');
  const type = nonEmptyText(member(data, 'type'));
  if (traceId === undefined || spanId === undefined || type === undefined) return undefined;
  return {
    traceId,
    spanId,
    parentId: nonEmptyText(member(span, 'parentId')),
    type,
    data: data as Record<string, unknown>,
    startedAtMillis: isoMillis(member(span, 'startedAt')),
    endedAtMillis: isoMillis(member(span, 'endedAt')),
    error: readError(member(span, 'error')),
  };
}

/** A trace read safely: its id and workflow name; undefined without an id. */
export function readAgentsTrace(trace: unknown): { readonly traceId: string; readonly name: string | undefined } | undefined {
  const traceId = nonEmptyText(member(trace, 'traceId'));
  return traceId === undefined ? undefined : { traceId, name: nonEmptyText(member(trace, 'name')) };
}

function readError(error: unknown): AgentsSpanView['error'] {
  if (error === null || typeof error !== 'object') return undefined;
  const message = nonEmptyText(member(error, 'message')) ?? 'the OpenAI Agents SDK marked the span failed';
  // `data.error` holds the thrown error as text (`'Error: …'`); other details are kept as JSON.
  const data = member(error, 'data');
  const inner = member(data, 'error');
  return { message, detail: typeof inner === 'string' && inner !== '' ? inner : undefined };
}



function isoMillis(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? millis : undefined;
}
