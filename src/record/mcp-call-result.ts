/**
 * Recording an MCP `CallToolResult` on a tool-call span. A tool that failed
 * comes back as a *successful* JSON-RPC answer with `isError: true` (MCP spec
 * 2025-06-18, server/tools "Error Handling": tool errors are reported in the
 * result, so the model can see them); only protocol errors reject. The agent
 * sees a resolved promise either way, so the span must be failed here or the
 * trail would call a failed tool a success.
 */
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ERROR_TYPE, GEN_AI_TOOL_CALL_RESULT } from '../model/attributes.js';
import { mcpToolResult } from '../model/mcp-tool-result.js';
import type { RecordingPolicy } from '../model/recording-policy.js';
import { member } from '../model/foreign-value.js';
import { truncateText } from '../model/truncate-text.js';
import { toolValueJson } from './tool-call.js';

/** `error.type` of a tool that answered `isError: true` (it threw nothing the client could see). */
export const MCP_TOOL_ERROR = 'mcp_tool_error';

/**
 * Writes what the server answered: the content (text blocks unwrapped, and
 * their text read as JSON when it is JSON) as the result, under the span's
 * policy; an `isError` answer as status ERROR whose message is the error's
 * text (cut at the content limit), which the exporter turns into an `error`
 * event. A value of another shape (a custom client) is recorded as it is.
 *
 * @example
 * recordMcpToolResult(span, { content: [{ type: 'text', text: 'no such city' }], isError: true }, policy);
 */
export function recordMcpToolResult(span: Span, value: unknown, policy: RecordingPolicy): void {
  const answer = readAnswer(value);
  if (answer.result !== undefined && policy.captureContent) {
    span.setAttribute(GEN_AI_TOOL_CALL_RESULT, toolValueJson(answer.result, policy.maxContentLength));
  }
  if (!answer.isError) return;
  span.setAttribute(ERROR_TYPE, MCP_TOOL_ERROR);
  const text = answer.errorText ? truncateText(answer.errorText, policy.maxContentLength) : 'the MCP tool answered isError: true';
  span.setStatus({ code: SpanStatusCode.ERROR, message: text });
}

interface McpAnswer {
  result: unknown;
  isError: boolean;
  errorText: string | undefined;
}

/** The parts of a `CallToolResult` (or the legacy `{toolResult}`) the trail records; each read guarded. */
function readAnswer(value: unknown): McpAnswer {
  if (value === null || typeof value !== 'object') return { result: value, isError: false, errorText: undefined };
  const content = member(value, 'content');
  const isError = member(value, 'isError') === true;
  const errorText = isError ? textOf(content) : undefined;
  if (Array.isArray(content) && content.length > 0) return { result: mcpToolResult(content), isError, errorText };
  // No content blocks: the structured result, the protocol's 2024-10-07 `toolResult`, else the answer as it came.
  const result = member(value, 'structuredContent') ?? member(value, 'toolResult') ?? value;
  return { result, isError, errorText };
}

/** The text of the content's text blocks, joined. */
function textOf(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const texts = content.map((block) => member(block, 'text')).filter((text): text is string => typeof text === 'string');
  return texts.length > 0 ? texts.join('\n') : undefined;
}

