/**
 * One MCP tool call, one `tool_call` event, where parentage cannot tell:
 * `auditMcpClient` records each `callTool` in the agent's context, and
 * Traceloop's MCP instrumentation, installed beside it, writes its own
 * `{tool}.tool` span of the same request — parented to the span it opened at
 * `connect()`, never to ours, so often in another trace and session.
 *
 * The rule, applied when the instrumentation's span starts (its request is
 * sent synchronously from inside our `callTool`, so our span is open then):
 * a Traceloop `tools/call` span of tool `t`, started while exactly one
 * recorded MCP call of `t` not yet matched is open, is that call. It is
 * marked `audit.tool_call.recorded_by` (our span's id) at once, so exporters
 * behind other processors see it too, and yields no event of its own. With
 * several calls of `t` open and unmatched (concurrent calls of one tool) the
 * match would be a guess: none is made and both are recorded — the trail
 * then shows the call twice rather than wrongly. A Traceloop call made
 * without the wrapper finds no open call of its tool and is recorded as
 * before.
 */
import type { Span } from '@opentelemetry/sdk-trace';
import { AUDIT_TOOL_CALL_RECORDED_BY, GEN_AI_TOOL_NAME, MCP_METHOD_NAME } from '../model/attributes.js';
import { TRACER_NAME } from '../model/version.js';

/** The instrumentation whose `tools/call` spans are matched, and how it names them (`${toolName}.tool`). */
const TRACELOOP_MCP_SCOPE = '@traceloop/instrumentation-mcp';
const TRACELOOP_TOOL_SUFFIX = '.tool';
/** Recorded calls followed at once; past this the oldest is forgotten (its match, if any, is then missed: recorded twice, never lost). */
const MAX_OPEN_CALLS = 1024;

interface OpenCall {
  readonly toolName: string;
  matched: boolean;
}

/** The recorded MCP calls open now, and the matching of an instrumentation's span to one of them. */
export class McpToolCalls {
  private readonly open = new Map<string, OpenCall>();

  /** Called from `onStart`: follows our recorded MCP calls; marks an instrumentation's span of one of them. */
  started(span: Span): void {
    const recorded = recordedCallTool(span);
    if (recorded !== undefined) {
      this.open.set(span.spanContext().spanId, { toolName: recorded, matched: false });
      if (this.open.size > MAX_OPEN_CALLS) this.open.delete(this.open.keys().next().value as string);
      return;
    }
    const instrumented = instrumentedCallTool(span);
    if (instrumented === undefined) return;
    const match = this.onlyUnmatched(instrumented);
    if (match === undefined) return;
    match[1].matched = true;
    span.setAttribute(AUDIT_TOOL_CALL_RECORDED_BY, match[0]);
  }

  /** Called from `onEnd` (and for spans forgotten): a recorded call ended. */
  ended(spanId: string): void {
    this.open.delete(spanId);
  }

  private onlyUnmatched(toolName: string): [string, OpenCall] | undefined {
    let found: [string, OpenCall] | undefined;
    for (const entry of this.open) {
      if (entry[1].matched || entry[1].toolName !== toolName) continue;
      if (found !== undefined) return undefined;
      found = entry;
    }
    return found;
  }
}

/** The tool of one of our MCP call spans (`auditMcpClient`: our scope, `mcp.method.name` `tools/call`), known at its start. */
function recordedCallTool(span: Span): string | undefined {
  if (span.instrumentationScope?.name !== TRACER_NAME || span.attributes[MCP_METHOD_NAME] !== 'tools/call') return undefined;
  const name = span.attributes[GEN_AI_TOOL_NAME];
  return typeof name === 'string' ? name : undefined;
}

/**
 * The tool of a Traceloop `tools/call` span, from its name: it sets its
 * attributes only after starting the span, but names it `${tool}.tool` (other
 * requests are `${method}.mcp`).
 */
function instrumentedCallTool(span: Span): string | undefined {
  if (span.instrumentationScope?.name !== TRACELOOP_MCP_SCOPE || !span.name.endsWith(TRACELOOP_TOOL_SUFFIX)) return undefined;
  return span.name.slice(0, -TRACELOOP_TOOL_SUFFIX.length);
}
