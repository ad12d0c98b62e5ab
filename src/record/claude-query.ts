/**
 * A Claude Agent SDK `query()` whose message stream is recorded. The SDK's
 * model loop runs in its bundled CLI, a process of its own, so no
 * instrumentation in the app sees a model call: the prompts, completions
 * and token counts exist only in the messages `query()` yields. Reading
 * them where the app iterates is the one place to record them from.
 */
import { context, type Context } from '@opentelemetry/api';
import { auditNow } from '../model/clock.js';
import { sessionFromContext } from '../model/session-context.js';
import { withToolCallClaims } from '../model/tool-call-claims.js';
import { describeKind } from '../model/value-kind.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';
import { ClaimedTools } from './claimed-tools.js';
import { readClaudeMessage } from './claude-messages.js';
import { recordClaudeModelCall, recordClaudeToolCall } from './claude-spans.js';
import { ClaudeTurns, type ClaudeRecord } from './claude-turns.js';
import { withSession, type SessionOptions } from './session.js';

const log = scrubbedLogger('otel-agent-audit:record');

/** Options of {@link auditClaudeQuery}. */
export interface AuditClaudeQueryOptions extends Pick<SessionOptions, 'sessionId' | 'agentName' | 'agentId'> {
  /**
   * The `prompt` given to `query()`, as text or Anthropic messages: the
   * stream does not repeat it, so without it the first call's prompt holds
   * no user message. A prompt given as an async iterable (streaming input)
   * is not read.
   */
  prompt?: string | readonly unknown[];
}

/** On a stream already wrapped (a `Symbol.for`, so it holds across two loaded copies of this package). */
const AUDITED = Symbol.for('otel-agent-audit.claude-query');

type Iterate = (this: unknown) => AsyncIterator<unknown>;

/**
 * Records what the Claude Agent SDK does, from the stream `query()`
 * returns: one model call per API response (the assistant messages of one
 * message id), as a `chat {model}` span with provider `anthropic`, the
 * conversation so far as the prompt, the response's text and requested
 * tool calls (`tool_use` ids) as the completion, and its token counts; and
 * one tool call per `tool_use` answered by a `tool_result`, unless a span
 * of another library records that execution (the OpenInference Claude
 * Agent SDK instrumentation's TOOL spans; see README "Agent frameworks").
 *
 * Everything is recorded in the session active when iteration starts (a
 * `withSession`); with none, the iteration is a session of its own (as
 * `withSession(options)` around it: `sessionId`, `agentName`, `agentId`),
 * which fails when the stream throws. The SDK is driven from inside that
 * session, so the instrumentation's run span and tool spans join it too.
 *
 * Give it `() => query(...)` rather than what `query()` returned: the SDK
 * starts its control loop inside `query()`, and its in-process callbacks
 * (hooks, in-process MCP tools, whose `withToolCall` spans claim their
 * tool) run in the context `query()` was called in. Called here, inside the
 * run, they carry the reader's claims; a stream made before (the second
 * form) is read all the same, but a tool whose own span records it outside
 * a wrapper that defers `query()` (OpenInference's does) is then recorded
 * twice. With the factory the session starts at this call, so iterate what
 * it returns.
 *
 * Returns the stream, with `[Symbol.asyncIterator]` replaced on the
 * instance, so its type and its other methods (`interrupt()`, …) are kept.
 * Messages are yielded unchanged; what the stream throws is thrown
 * unchanged, and recording never throws. A call's span starts when the
 * message it answers arrived and ends when its last assistant message
 * arrived; it is written when its turn moves on. Calling `next()` on the
 * stream itself, not through `for await` or `[Symbol.asyncIterator]()`,
 * bypasses the reader.
 *
 * @example
 * import { query } from '@anthropic-ai/claude-agent-sdk';
 * for await (const message of auditClaudeQuery(() => query({ prompt, options }), { prompt })) {
 *   if (message.type === 'result') console.log(message.result);
 * }
 */
export function auditClaudeQuery<S extends AsyncIterable<unknown>>(stream: S | (() => S), options?: AuditClaudeQueryOptions): S {
  const settings = options ?? {};
  let prepared: Driving | undefined;
  if (typeof stream === 'function') {
    // query() starts the CLI and its control loop at once, in the context it is called in:
    // called here, inside the run, the SDK's in-process callbacks carry the claims.
    prepared = driving(startRun(settings));
    const started = prepared;
    try {
      stream = context.with(started.context, stream);
    } catch (error) {
      started.run.end({ error });
      throw error;
    }
  }
  const made = stream;
  const original = readIterate(made);
  if (original === undefined || (made as { [AUDITED]?: true })[AUDITED]) {
    prepared?.run.end();
    return made;
  }
  try {
    Object.defineProperty(made, Symbol.asyncIterator, {
      value: function iterate(this: unknown): AsyncIterator<unknown> {
        // The first iteration of a stream made by the factory reads in the run it was made in.
        const run = prepared ?? driving(startRun(settings));
        prepared = undefined;
        return readStream(() => Reflect.apply(original, this, []) as AsyncIterator<unknown>, run, settings);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
    Object.defineProperty(made, AUDITED, { value: true });
  } catch (error) {
    prepared?.run.end();
    log.warn('auditClaudeQuery: the stream cannot be wrapped (a frozen object?), so it is not recorded', error);
  }
  return made;
}

function readIterate(stream: unknown): Iterate | undefined {
  let iterate: unknown;
  try {
    iterate = stream !== null && (typeof stream === 'object' || typeof stream === 'function') ? (stream as Record<symbol, unknown>)[Symbol.asyncIterator] : undefined;
  } catch (error) {
    log.warn('auditClaudeQuery: reading the stream failed, so it is not recorded', error);
    return undefined;
  }
  if (typeof iterate !== 'function') log.warn(`auditClaudeQuery: the stream is ${describeKind(stream)} without [Symbol.asyncIterator], so it is not recorded; pass what query() returns`);
  return typeof iterate === 'function' ? (iterate as Iterate) : undefined;
}

/** The session one iteration records in, and how it ends. */
interface Run {
  readonly parent: Context;
  end(failure?: { error: unknown }): void;
}

/** The active session, else one of the reader's own, open until {@link Run.end}. */
function startRun(options: AuditClaudeQueryOptions): Run {
  const active = context.active();
  if (sessionFromContext(active) !== undefined) return { parent: active, end: () => undefined };
  let parent = active;
  let settle: Run['end'] = () => undefined;
  const { sessionId, agentName, agentId } = options;
  const ended = withSession({ sessionId, agentName, agentId }, () => {
    parent = context.active();
    return new Promise<void>((resolve, reject) => {
      settle = (failure) => (failure === undefined ? resolve() : reject(failure.error));
    });
  });
  // The session's failure is the stream's, thrown to the agent by the reader itself.
  ended.catch(() => undefined);
  return { parent, end: (failure) => settle(failure) };
}

/** A run, with the claims its reader collects and the context the SDK is driven in (the run's, holding the claims). */
interface Driving {
  readonly run: Run;
  readonly claims: ClaimedTools;
  readonly context: Context;
}

function driving(run: Run): Driving {
  const claims = new ClaimedTools();
  return { run, claims, context: withToolCallClaims(run.parent, claims) };
}

/** Starts one iteration: the SDK's iterator, made inside the run's context. */
function readStream(iterate: () => AsyncIterator<unknown>, { run, claims, context: drivingContext }: Driving, options: AuditClaudeQueryOptions): AsyncIterator<unknown> {
  let inner: AsyncIterator<unknown>;
  try {
    inner = context.with(drivingContext, iterate);
  } catch (error) {
    run.end({ error });
    throw error;
  }
  return new ClaudeStreamReader(inner, run, claims, drivingContext, promptMessages(options.prompt));
}

function promptMessages(prompt: unknown): unknown[] {
  if (typeof prompt === 'string') return [{ role: 'user', content: prompt }];
  return Array.isArray(prompt) ? [...(prompt as unknown[])] : [];
}

/** One iteration of the stream: passes every message on, records what it completes. */
class ClaudeStreamReader implements AsyncIterator<unknown> {
  private readonly turns: ClaudeTurns;
  private finished = false;

  constructor(
    private readonly inner: AsyncIterator<unknown>,
    private readonly run: Run,
    private readonly claims: ClaimedTools,
    private readonly driving: Context,
    prompt: unknown[],
  ) {
    this.turns = new ClaudeTurns(prompt, auditNow());
  }

  async next(...args: [] | [unknown]): Promise<IteratorResult<unknown>> {
    const result = await this.settle(() => this.inner.next(...args));
    if (result.done === true) this.finish();
    else this.observe(result.value);
    return result;
  }

  async return(value?: unknown): Promise<IteratorResult<unknown>> {
    // The SDK's end first (the instrumentation ends its run span there), then the session's.
    const inner = this.inner;
    const result = inner.return === undefined ? { done: true as const, value } : await this.settle(() => inner.return!(value));
    this.finish();
    return result;
  }

  async throw(error?: unknown): Promise<IteratorResult<unknown>> {
    const inner = this.inner;
    if (inner.throw === undefined) {
      this.finish({ error });
      throw error;
    }
    const result = await this.settle(() => inner.throw!(error));
    if (result.done === true) this.finish();
    return result;
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return this;
  }

  /** Runs a step of the SDK's iterator inside the run; a throw ends the run, failed, and is passed on unchanged. */
  private async settle(step: () => Promise<IteratorResult<unknown>>): Promise<IteratorResult<unknown>> {
    try {
      return await context.with(this.driving, step);
    } catch (error) {
      this.finish({ error });
      throw error;
    }
  }

  private observe(message: unknown): void {
    try {
      this.write(this.turns.receive(readClaudeMessage(message), auditNow()));
    } catch (error) {
      log.debug('auditClaudeQuery: could not record a message of the stream', error);
    }
  }

  /** The stream is over (ended, failed, or left): what is still open is recorded, then the run ends. */
  private finish(failure?: { error: unknown }): void {
    if (this.finished) return;
    this.finished = true;
    try {
      this.write(this.turns.end());
    } catch (error) {
      log.debug('auditClaudeQuery: could not record the end of the stream', error);
    }
    this.run.end(failure);
  }

  private write(records: readonly ClaudeRecord[]): void {
    for (const record of records) {
      try {
        if (record.kind === 'model_call') recordClaudeModelCall(record, this.run.parent);
        else if (!this.claims.take(record.name)) recordClaudeToolCall(record, this.run.parent);
      } catch (error) {
        log.debug('auditClaudeQuery: could not record a call', error);
      }
    }
  }
}
