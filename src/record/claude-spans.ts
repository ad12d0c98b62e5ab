/**
 * The spans of what a Claude Agent SDK stream showed (`claude-turns.ts`):
 * each written once complete, with the times the stream showed it at, under
 * the recording policy the span's audit processors gave it — the same
 * attributes `withLLMCall` and `withToolCall` write, so the same converter
 * reads them.
 */
import { SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import {
  ERROR_TYPE,
  GEN_AI_OPERATION_NAME,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_CALL_RESULT,
  GEN_AI_TOOL_NAME,
  OPERATION_EXECUTE_TOOL,
} from '../model/attributes.js';
import { mcpToolResult } from '../model/mcp-tool-result.js';
import { truncateText } from '../model/truncate-text.js';
import type { ClaudeModelCall, ClaudeToolCall } from './claude-turns.js';
import { writeResult } from './llm-call-handle.js';
import { promptAttributes, readLLMCallInput } from './llm-call-input.js';
import { policyOf } from './policy-of.js';
import { RecordingProblems } from './recording-problems.js';
import { startSpanAt } from './run-in-span.js';
import { toolValueJson } from './tool-call.js';

const HELPER = 'auditClaudeQuery';
/** `error.type` of a tool whose `tool_result` says `is_error`: the agent saw no throw, the model saw the failure. */
export const CLAUDE_TOOL_ERROR = 'tool_error';

/**
 * One model call as a `chat {model}` CLIENT span (provider `anthropic`) under `parent`.
 *
 * @example
 * recordClaudeModelCall(call, sessionContext);
 */
export function recordClaudeModelCall(call: ClaudeModelCall, parent: Context): void {
  const problems = new RecordingProblems(HELPER);
  const input = readLLMCallInput({ model: call.requestModel, provider: 'anthropic', messages: call.messages }, problems);
  const name = input.model === undefined ? input.operation : `${input.operation} ${input.model}`;
  ended(startSpanAt(name, { kind: SpanKind.CLIENT, attributes: input.startAttributes, startTime: call.startTime }, parent), call.endTime, (span) => {
    const policy = policyOf(span);
    problems.attempt('messages', () => span.setAttributes(promptAttributes(input, policy, problems)));
    problems.bind(span);
    writeResult(span, call.response, {}, policy, problems);
  });
}

/**
 * One tool execution as an `execute_tool {name}` span under `parent`: the
 * `tool_use` id, its input, the `tool_result` content (text blocks
 * unwrapped, JSON text read as JSON); `is_error` fails the span with the
 * result's text, which becomes the `error` event.
 *
 * @example
 * recordClaudeToolCall(tool, sessionContext);
 */
export function recordClaudeToolCall(tool: ClaudeToolCall, parent: Context): void {
  const attributes = { [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL, [GEN_AI_TOOL_NAME]: tool.name, [GEN_AI_TOOL_CALL_ID]: tool.id };
  ended(startSpanAt(`${OPERATION_EXECUTE_TOOL} ${tool.name}`, { kind: SpanKind.INTERNAL, attributes, startTime: tool.startTime }, parent), tool.endTime, (span) => {
    const policy = policyOf(span);
    const result = mcpToolResult(typeof tool.content === 'string' ? [{ type: 'text', text: tool.content }] : tool.content);
    if (policy.captureContent) {
      if (tool.input !== undefined) span.setAttribute(GEN_AI_TOOL_CALL_ARGUMENTS, toolValueJson(tool.input, policy.maxContentLength));
      if (result !== undefined) span.setAttribute(GEN_AI_TOOL_CALL_RESULT, toolValueJson(result, policy.maxContentLength));
    }
    if (!tool.isError) return;
    span.setAttribute(ERROR_TYPE, CLAUDE_TOOL_ERROR);
    // The error's text is content too: without capture, the failure is said, not its words.
    const text = policy.captureContent ? errorText(tool.content) : undefined;
    span.setStatus({ code: SpanStatusCode.ERROR, message: text === undefined ? 'the tool_result says is_error' : truncateText(text, policy.maxContentLength) });
  });
}

/** Writes with `write`, then ends `span` at `endTime` whatever `write` threw (the caller logs it). */
function ended(span: Span, endTime: ClaudeModelCall['endTime'], write: (span: Span) => void): void {
  try {
    write(span);
  } finally {
    span.end(endTime);
  }
}

/** The text of a `tool_result`: the string, or its text blocks joined. */
function errorText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((block: unknown) => {
    const text = block !== null && typeof block === 'object' ? (block as { text?: unknown }).text : undefined;
    return typeof text === 'string' ? [text] : [];
  });
  return texts.length > 0 ? texts.join('\n') : undefined;
}
