/**
 * One executed tool, one `tool_call`, when a stream reader could record it
 * too: `auditClaudeQuery` sees each tool the Claude Agent SDK ran only as a
 * `tool_use` / `tool_result` pair in the message stream, and records it from
 * there unless a span of its own already records that execution — the
 * OpenInference Claude Agent SDK instrumentation's TOOL spans, or a
 * `withToolCall` inside an in-process tool.
 *
 * The reader puts a {@link ToolCallClaims} in the context it drives the SDK's
 * iterator in. Spans the SDK's in-process callbacks start (the
 * instrumentation's hooks, in-process MCP tools) inherit that context; the
 * audit span processor notes, in `onStart`, the claims a span's parent
 * context holds, and when the span ends hands them the tool it recorded
 * (OpenInference writes a span's attributes only after starting it, so the
 * tool's name is sure only then). The tool's span ends before its result
 * reaches the stream (the CLI runs the tool and its PostToolUse hooks, then
 * emits the `tool_result`), so the claim is in place when the reader decides.
 */
import { createContextKey, type Attributes, type Context } from '@opentelemetry/api';
import { nonEmptyText } from './foreign-value.js';

/** Where a stream reader collects the tools some span records. */
export interface ToolCallClaims {
  /** A span that recorded one execution of `toolName` ended. */
  claim(toolName: string): void;
}

const CLAIMS_KEY = createContextKey('otel-agent-audit.tool-call-claims');

/**
 * `ctx` with `claims` in it: spans started under it tell `claims` the tools they record.
 *
 * @example
 * context.with(withToolCallClaims(context.active(), claims), () => iterator.next());
 */
export function withToolCallClaims(ctx: Context, claims: ToolCallClaims): Context {
  return ctx.setValue(CLAIMS_KEY, claims);
}

/**
 * The claims in `ctx`, if a stream reader put some there.
 *
 * @example
 * const claims = toolCallClaimsOf(parentContext);
 */
export function toolCallClaimsOf(ctx: Context): ToolCallClaims | undefined {
  return ctx.getValue(CLAIMS_KEY) as ToolCallClaims | undefined;
}

/**
 * The tool a span records the execution of:
 * an OpenInference `TOOL` span's `tool.name`, a GenAI `execute_tool` span's
 * `gen_ai.tool.name` (our `withToolCall`). Undefined for any other span.
 * Read from a span's final attributes: some instrumentations write them after the start.
 *
 * @example
 * executedToolName({ 'openinference.span.kind': 'TOOL', 'tool.name': 'mcp__weather__get_weather' }); // 'mcp__weather__get_weather'
 */
export function executedToolName(attributes: Attributes): string | undefined {
  if (attributes['openinference.span.kind'] === 'TOOL') return nonEmptyText(attributes['tool.name']);
  if (attributes['gen_ai.operation.name'] === 'execute_tool') return nonEmptyText(attributes['gen_ai.tool.name']);
  return undefined;
}

