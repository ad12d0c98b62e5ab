/**
 * The parts of the Claude Agent SDK's messages (`query()`'s `SDKMessage`,
 * `@anthropic-ai/claude-agent-sdk` 0.3) that `auditClaudeQuery` reads,
 * declared here so the package does not depend on the SDK. Every reader
 * takes a value of any shape and never throws: a member that is missing, of
 * another type, or whose getter throws reads as undefined.
 */
import { member, nonEmptyText, tokenCount } from '../model/foreign-value.js';

/** An Anthropic content block as the stream carries it (`text`, `tool_use`, `tool_result`, `thinking`, …). */
export type ClaudeContentBlock = Readonly<Record<string, unknown>>;

/** One assistant message: one API response, or (streamed) one of its content blocks. */
export interface ClaudeAssistantMessage {
  readonly kind: 'assistant';
  /** The API message id (`msg_…`): the messages of one response share it. */
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly content: readonly ClaudeContentBlock[];
  /** Null on a streamed block (the response was not over yet). */
  readonly stopReason: string | undefined;
  readonly usage: Readonly<Record<string, unknown>> | undefined;
  /** The subagent's thread (`parent_tool_use_id`), undefined on the main thread. */
  readonly thread: string | undefined;
}

/** A user-role message the CLI added: chiefly the `tool_result` blocks answering `tool_use` blocks. */
export interface ClaudeUserMessage {
  readonly kind: 'user';
  /** A string, or content blocks, as in an Anthropic `MessageParam`. */
  readonly content: unknown;
  readonly thread: string | undefined;
}

/** The end of a turn: `stop_reason`, and the output tokens of the turn's calls. */
export interface ClaudeResultMessage {
  readonly kind: 'result';
  readonly stopReason: string | undefined;
  /** Output tokens of every call since the previous result (`model_usage_since_last_result`), when the SDK says. */
  readonly outputTokensSinceLastResult: number | undefined;
  /** `usage.output_tokens`: the whole stream's total, for the first result. */
  readonly outputTokens: number | undefined;
}

/** `system` / `init`: the model the run asked for. */
export interface ClaudeInitMessage {
  readonly kind: 'init';
  readonly model: string | undefined;
}

/** A streamed response's `message_delta` (only with `includePartialMessages`): its final output count and stop reason. */
export interface ClaudeMessageDelta {
  readonly kind: 'delta';
  readonly outputTokens: number | undefined;
  readonly stopReason: string | undefined;
  readonly thread: string | undefined;
}

/** A stream event that starts a response (`message_start`), naming its id. */
export interface ClaudeMessageStart {
  readonly kind: 'start';
  readonly id: string | undefined;
  readonly thread: string | undefined;
}

/** What the reader makes of one message of the stream; `other` for every type it does not read. */
export type ClaudeMessage = ClaudeAssistantMessage | ClaudeUserMessage | ClaudeResultMessage | ClaudeInitMessage | ClaudeMessageDelta | ClaudeMessageStart | { readonly kind: 'other' };

const OTHER = Object.freeze({ kind: 'other' as const });

/**
 * Reads one message of the stream. Never throws.
 *
 * @example
 * readClaudeMessage({ type: 'assistant', message: { id: 'msg_1', content: [{ type: 'text', text: 'hi' }] } }).kind; // 'assistant'
 */
export function readClaudeMessage(value: unknown): ClaudeMessage {
  try {
    return readMessage(value);
  } catch {
    return OTHER; // a proxy or an array that throws past the guarded reads: the message is passed on, not read
  }
}

function readMessage(value: unknown): ClaudeMessage {
  const type = member(value, 'type');
  const thread = nonEmptyText(member(value, 'parent_tool_use_id'));
  if (type === 'assistant') return assistant(member(value, 'message'), thread);
  if (type === 'user') return { kind: 'user', content: member(member(value, 'message'), 'content'), thread };
  if (type === 'result') return result(value);
  if (type === 'system' && member(value, 'subtype') === 'init') return { kind: 'init', model: nonEmptyText(member(value, 'model')) };
  if (type === 'stream_event') return streamEvent(member(value, 'event'), thread);
  return OTHER;
}

function assistant(message: unknown, thread: string | undefined): ClaudeMessage {
  const content = member(message, 'content');
  const usage = member(message, 'usage');
  return {
    kind: 'assistant',
    id: nonEmptyText(member(message, 'id')),
    model: nonEmptyText(member(message, 'model')),
    content: Array.isArray(content) ? content.filter(isObject) : [],
    stopReason: nonEmptyText(member(message, 'stop_reason')),
    usage: isObject(usage) ? usage : undefined,
    thread,
  };
}

function result(value: unknown): ClaudeResultMessage {
  const sinceLast = member(value, 'model_usage_since_last_result');
  let outputTokensSinceLastResult: number | undefined;
  if (isObject(sinceLast)) {
    for (const model of Object.values(sinceLast)) {
      const count = tokenCount(member(model, 'outputTokens'));
      if (count === undefined) return resultWith(value, undefined);
      outputTokensSinceLastResult = (outputTokensSinceLastResult ?? 0) + count;
    }
  }
  return resultWith(value, outputTokensSinceLastResult);
}

function resultWith(value: unknown, outputTokensSinceLastResult: number | undefined): ClaudeResultMessage {
  return {
    kind: 'result',
    stopReason: nonEmptyText(member(value, 'stop_reason')),
    outputTokensSinceLastResult,
    outputTokens: tokenCount(member(member(value, 'usage'), 'output_tokens')),
  };
}

function streamEvent(event: unknown, thread: string | undefined): ClaudeMessage {
  const type = member(event, 'type');
  if (type === 'message_start') return { kind: 'start', id: nonEmptyText(member(member(event, 'message'), 'id')), thread };
  if (type !== 'message_delta') return OTHER;
  return {
    kind: 'delta',
    outputTokens: tokenCount(member(member(event, 'usage'), 'output_tokens')),
    stopReason: nonEmptyText(member(member(event, 'delta'), 'stop_reason')),
    thread,
  };
}


function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}


