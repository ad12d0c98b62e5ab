/**
 * The model calls and tool executions a Claude Agent SDK message stream
 * shows, told apart as the messages arrive. Pure: the caller gives each
 * message with its arrival time and writes what comes back.
 *
 * - **One call per response.** The CLI emits one assistant message per
 *   content block of a streamed response, all with the response's id; the
 *   call is complete when its thread (the main thread, or a subagent's
 *   `parent_tool_use_id`) moves on — a user message, an assistant message of
 *   another id —, at a result, or when the stream ends.
 * - **Timing.** A call starts when the message it answers arrived (the
 *   `system`/`init` message, or the last `tool_result` or message of its
 *   thread before it; else the stream's start) and ends when its last
 *   assistant message arrived. A tool runs from the arrival of the assistant
 *   message that asked for it to the arrival of its `tool_result`.
 * - **Tokens.** Input and cache counts come from the response's start, so
 *   every block carries them. The output count on a streamed block is not
 *   final (the SDK documents it so): it is taken only from a response that
 *   came whole (`stop_reason` set), its `message_delta` stream event (with
 *   `includePartialMessages`), or, for the one call of a turn whose count
 *   is still unknown, the result's total less the known ones.
 * - **Prompt.** The conversation of the call's thread so far: the prompt the
 *   app gave (main thread), then each earlier response and user message.
 */
import type { HrTime } from '@opentelemetry/api';
import type { ClaudeAssistantMessage, ClaudeContentBlock, ClaudeMessage, ClaudeResultMessage } from './claude-messages.js';
import { member, nonEmptyText, tokenCount } from '../model/foreign-value.js';

/** One model call, complete. */
export interface ClaudeModelCall {
  readonly kind: 'model_call';
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  /** The model the run asked for (`system`/`init`), else the answering one. */
  readonly requestModel: string | undefined;
  /** The conversation before the call, as Anthropic `MessageParam`s. */
  readonly messages: readonly unknown[];
  /** The response as an Anthropic `Message` (`type: 'message'`), its blocks joined, usage as far as known. */
  readonly response: Readonly<Record<string, unknown>>;
}

/** One tool execution: a `tool_use` and the `tool_result` answering it. */
export interface ClaudeToolCall {
  readonly kind: 'tool_call';
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
  /** The `tool_result` block's content (text or content blocks). */
  readonly content: unknown;
  readonly isError: boolean;
}

export type ClaudeRecord = ClaudeModelCall | ClaudeToolCall;

interface PendingCall {
  readonly id: string | undefined;
  readonly startTime: HrTime;
  endTime: HrTime;
  readonly first: ClaudeAssistantMessage;
  readonly content: ClaudeContentBlock[];
  stopReason: string | undefined;
  outputTokens: number | undefined;
}

interface Thread {
  readonly conversation: unknown[];
  lastArrival: HrTime;
  pending: PendingCall | undefined;
  /** The response streaming now (`message_start`), whose `message_delta` belongs to the pending call of that id. */
  streaming: string | undefined;
}

interface OpenTool {
  readonly name: string;
  readonly input: unknown;
  readonly startTime: HrTime;
}

/** A call of the current turn and its output count, once known. */
interface TurnCall {
  outputTokens: number | undefined;
}

const MAIN = '';
/**
 * What one stream's reader holds, however long the stream lives (an
 * interactive session): the newest messages of a thread's conversation (a
 * call's prompt holds at most these), the threads, and the `tool_use`s still
 * waiting for their `tool_result`. Past a bound the oldest goes.
 */
const MAX_CONVERSATION_MESSAGES = 200;
const MAX_THREADS = 64;
const MAX_OPEN_TOOLS = 256;

/**
 * Follows one stream: {@link ClaudeTurns.receive} each message, {@link ClaudeTurns.end} once.
 *
 * @example
 * const turns = new ClaudeTurns([{ role: 'user', content: prompt }], auditNow());
 * for (const record of turns.receive(readClaudeMessage(message), auditNow())) write(record);
 */
export class ClaudeTurns {
  private readonly threads = new Map<string, Thread>();
  private readonly tools = new Map<string, OpenTool>();
  private turn: TurnCall[] = [];
  private results = 0;
  private requestModel: string | undefined;

  constructor(prompt: readonly unknown[], private readonly startTime: HrTime) {
    this.threads.set(MAIN, { conversation: [...prompt], lastArrival: startTime, pending: undefined, streaming: undefined });
  }

  /** What `message`, arrived at `now`, completes. */
  receive(message: ClaudeMessage, now: HrTime): ClaudeRecord[] {
    switch (message.kind) {
      case 'init':
        this.requestModel ??= message.model;
        this.thread(undefined).lastArrival = now;
        return [];
      case 'assistant':
        return this.assistant(message, now);
      case 'user':
        return this.user(message.content, this.thread(message.thread), now);
      case 'result':
        return this.result(message);
      case 'start':
        this.thread(message.thread).streaming = message.id;
        return [];
      case 'delta': {
        const thread = this.thread(message.thread);
        const pending = thread.pending;
        if (pending !== undefined && pending.id !== undefined && pending.id === thread.streaming) {
          pending.outputTokens = message.outputTokens ?? pending.outputTokens;
          pending.stopReason ??= message.stopReason;
        }
        return [];
      }
      default:
        return [];
    }
  }

  /** The stream ended (or failed, or was left): the calls still open are complete; tools without a result are not recorded. */
  end(): ClaudeRecord[] {
    return [...this.threads.values()].flatMap((thread) => this.flush(thread));
  }

  private thread(key: string | undefined): Thread {
    let thread = this.threads.get(key ?? MAIN);
    if (thread === undefined) {
      thread = { conversation: [], lastArrival: this.startTime, pending: undefined, streaming: undefined };
      this.threads.set(key ?? MAIN, thread);
      // The oldest subagent thread goes (never the main one: it was set first and is skipped).
      if (this.threads.size > MAX_THREADS) this.threads.delete([...this.threads.keys()][1]!);
    }
    return thread;
  }

  private assistant(message: ClaudeAssistantMessage, now: HrTime): ClaudeRecord[] {
    const thread = this.thread(message.thread);
    const records = thread.pending !== undefined && (message.id === undefined || thread.pending.id !== message.id) ? this.flush(thread) : [];
    const pending = (thread.pending ??= {
      id: message.id,
      startTime: thread.lastArrival,
      endTime: now,
      first: message,
      content: [],
      stopReason: undefined,
      outputTokens: undefined,
    });
    pending.endTime = now;
    pending.content.push(...message.content);
    if (message.stopReason !== undefined) {
      // A response that came whole: its usage is final.
      pending.stopReason = message.stopReason;
      pending.outputTokens = tokenCount(member(message.usage, 'output_tokens')) ?? pending.outputTokens;
    }
    for (const block of message.content) {
      const id = nonEmptyText(member(block, 'id'));
      if (member(block, 'type') === 'tool_use' && id !== undefined) {
        this.tools.set(id, { name: nonEmptyText(member(block, 'name')) ?? 'unknown', input: member(block, 'input'), startTime: now });
        if (this.tools.size > MAX_OPEN_TOOLS) this.tools.delete(this.tools.keys().next().value as string);
      }
    }
    thread.lastArrival = now;
    return records;
  }

  private user(content: unknown, thread: Thread, now: HrTime): ClaudeRecord[] {
    const records = this.flush(thread);
    remember(thread, { role: 'user', content });
    thread.lastArrival = now;
    if (!Array.isArray(content)) return records;
    for (const block of content) {
      if (member(block, 'type') !== 'tool_result') continue;
      const id = nonEmptyText(member(block, 'tool_use_id'));
      const tool = id === undefined ? undefined : this.tools.get(id);
      if (id === undefined || tool === undefined) continue;
      this.tools.delete(id);
      const isError = member(block, 'is_error') === true;
      records.push({ kind: 'tool_call', startTime: tool.startTime, endTime: now, id, name: tool.name, input: tool.input, content: member(block, 'content'), isError });
    }
    return records;
  }

  /** The turn is over: the calls still open are complete, the last one with what only the result says. */
  private result(message: ClaudeResultMessage): ClaudeRecord[] {
    const main = this.threads.get(MAIN);
    const pending = main?.pending;
    if (pending !== undefined) {
      pending.stopReason ??= message.stopReason;
      if (pending.outputTokens === undefined) pending.outputTokens = this.rest(message);
    }
    const records = this.end();
    this.turn = [];
    this.results++;
    return records;
  }

  /**
   * The main thread's open call's output count, when it is the one call of
   * the turn not yet known: the turn's total less the others. The total
   * is the output since the last result, or (first result) the stream's.
   */
  private rest(message: ClaudeResultMessage): number | undefined {
    const total = message.outputTokensSinceLastResult ?? (this.results === 0 ? message.outputTokens : undefined);
    const others = this.turn;
    const otherThreadsOpen = [...this.threads.entries()].some(([key, thread]) => key !== MAIN && thread.pending !== undefined);
    if (total === undefined || otherThreadsOpen || others.some((call) => call.outputTokens === undefined)) return undefined;
    const rest = total - others.reduce((sum, call) => sum + (call.outputTokens ?? 0), 0);
    return rest >= 0 ? rest : undefined;
  }

  private flush(thread: Thread): ClaudeRecord[] {
    const pending = thread.pending;
    if (pending === undefined) return [];
    thread.pending = undefined;
    const messages = [...thread.conversation];
    remember(thread, { role: 'assistant', content: pending.content });
    this.turn.push({ outputTokens: pending.outputTokens });
    return [{ kind: 'model_call', startTime: pending.startTime, endTime: pending.endTime, requestModel: this.requestModel ?? pending.first.model, messages, response: responseOf(pending) }];
  }
}

/** Adds `message` to the thread's conversation, which keeps its newest {@link MAX_CONVERSATION_MESSAGES}. */
function remember(thread: Thread, message: unknown): void {
  thread.conversation.push(message);
  if (thread.conversation.length > MAX_CONVERSATION_MESSAGES) thread.conversation.splice(0, thread.conversation.length - MAX_CONVERSATION_MESSAGES);
}

/** The call's response as one Anthropic `Message`: blocks joined, the response's input and cache counts, the output count only when final. */
function responseOf(pending: PendingCall): Record<string, unknown> {
  const usage = pending.first.usage;
  const counts: Record<string, number> = {};
  for (const key of ['input_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens']) {
    const count = tokenCount(member(usage, key));
    if (count !== undefined) counts[key] = count;
  }
  if (pending.outputTokens !== undefined) counts['output_tokens'] = pending.outputTokens;
  return {
    type: 'message',
    role: 'assistant',
    id: pending.id,
    model: pending.first.model,
    content: pending.content,
    stop_reason: pending.stopReason,
    usage: counts,
  };
}


