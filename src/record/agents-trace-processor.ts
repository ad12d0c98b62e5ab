/**
 * An OpenAI Agents SDK trace processor that records the SDK's traces as
 * OTel spans (agents-spans.ts), so `setupAudit` / `auditSpanProcessor`
 * audit an SDK run with no third-party bridge. The SDK calls its processors
 * in the run's own async context, so a `withSession` around the run is the
 * active context here: the run joins that session. With none, the run's span
 * (`invoke_agent {workflow name}`) is the session (model/agent-run-span.ts).
 *
 * The run ends when its trace ends, or when the SDK's root `task` span (one
 * `Runner.run`) ends failed: the SDK ends the trace only of a run that
 * returned, never of one that threw (a tripped guardrail, too many turns).
 * Spans of that trace after such an end (the app caught the error and ran
 * again inside its own `withTrace`) are a run of their own, of the same name.
 * Memory is bounded: past `maxOpenSpans` open spans and runs, the oldest run
 * is ended with everything still open in it, each span failed and saying
 * why; at the SDK's shutdown every open span is ended so. Each is counted
 * (`stats().abandoned`) and warned about. No callback ever throws or rejects.
 */
import { context as otelContext, trace as otelTrace, SpanKind, SpanStatusCode, type Context, type HrTime, type Span } from '@opentelemetry/api';
import { AUDIT_FRAMEWORK_PLUMBING, GEN_AI_AGENT_NAME, GEN_AI_OPERATION_NAME, OPERATION_INVOKE_AGENT } from '../model/attributes.js';
import { auditNow } from '../model/clock.js';
import { describeKind } from '../model/value-kind.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';
import { endAgentsSpan, failSpan, justAfter, laterOf, startAgentsSpan } from './agents-spans.js';
import { RequestedToolCalls } from './agents-tool-call-ids.js';
import { nonEmptyText } from '../model/foreign-value.js';
import { readAgentsSpan, readAgentsTrace, type AgentsSpan, type AgentsSpanView, type AgentsTrace, type AgentsTracingProcessor } from './agents-trace-shapes.js';
import { policyOf } from './policy-of.js';
import { startSpanAt } from './run-in-span.js';
import { agentsTracer } from './tracer.js';

const log = scrubbedLogger('otel-agent-audit:record');

/** The SDK's name for a run without a `workflowName`. */
const DEFAULT_WORKFLOW = 'Agent workflow';
const DEFAULT_MAX_OPEN_SPANS = 4096;
const MAX_ENDED_RUNS = 1024;

/** Options of {@link auditAgentsTraceProcessor}. */
export interface AgentsTraceProcessorOptions {
  /**
   * How many SDK spans and runs may be open at once before the oldest run is
   * ended (failed, saying so) with everything open in it. Default 4096.
   */
  maxOpenSpans?: number;
}

/** What {@link AuditAgentsTraceProcessor.stats} reports. */
export interface AgentsTraceProcessorStats {
  /** Runs (SDK traces) open now. */
  readonly openRuns: number;
  /** SDK spans open now. */
  readonly openSpans: number;
  /** Spans and runs the SDK never ended that were ended failed: past `maxOpenSpans`, at its trace's end or at shutdown. */
  readonly abandoned: number;
}

/** The SDK trace processor {@link auditAgentsTraceProcessor} returns. */
export interface AuditAgentsTraceProcessor extends AgentsTracingProcessor {
  stats(): AgentsTraceProcessorStats;
}

interface OpenRun {
  readonly name: string;
  readonly span: Span;
  /** The context the run started in (a `withSession`'s): every span of the run starts under it. */
  readonly context: Context;
  readonly toolCalls: RequestedToolCalls;
  /** Whether an agent started with no parent (SDKs before the `task` span) or under no task yet. */
  agentSeen: boolean;
  /** The earliest a span of the run may start, and the latest end of one so far: the run's span holds them all. */
  readonly notBefore: HrTime;
  lastEnd: HrTime;
}

interface OpenSdkSpan {
  readonly traceId: string;
  /** The SDK span's type. */
  readonly type: string;
  /** Its own OTel span; undefined for an SDK span that gets none (its children go to `target`). */
  readonly span: Span | undefined;
  /** Where its children start. */
  readonly target: Span;
  /** The agent it runs under. */
  readonly agent: string | undefined;
  /** For a `task` (one `Runner.run`): whether its first agent started (that agent is the run itself, no event). */
  agentSeen: boolean;
}

/**
 * An OpenAI Agents SDK `TracingProcessor` that records every SDK run as an
 * audit session (or as part of the `withSession` around it): one prompt +
 * completion per model call (`generation` / `response` spans: messages,
 * answer, tokens, provider `openai`), one `tool_call` per function tool
 * (arguments, result, call id, a failure as `error`), a handoff as one
 * `custom` event `handoff` naming both agents, each guardrail as a `custom`
 * event `guardrail` (a tripped one fails the run: one `error`, and the
 * session ends failed), the SDK's custom spans as `custom` events. Register
 * it with the SDK's `addTraceProcessor`; the spans go to the global tracer
 * provider (`setupAudit`'s, or yours with `auditSpanProcessor`). The SDK
 * turns its tracing off when `NODE_ENV=test`: `setTracingDisabled(false)`.
 * With the OpenInference bridge also registered, each call is recorded once,
 * by this processor (README, "Agent frameworks").
 *
 * @throws {TypeError} when `maxOpenSpans` is not a positive integer.
 * @example
 * import { addTraceProcessor, Agent, run } from '@openai/agents';
 * setupAudit({ serviceName: 'weather-agent' });
 * addTraceProcessor(auditAgentsTraceProcessor());
 * await run(new Agent({ name: 'weather-agent', instructions }), 'Weather in Oslo?');
 */
export function auditAgentsTraceProcessor(options: AgentsTraceProcessorOptions = {}): AuditAgentsTraceProcessor {
  const max = options?.maxOpenSpans ?? DEFAULT_MAX_OPEN_SPANS;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new TypeError(`auditAgentsTraceProcessor: maxOpenSpans must be a positive integer, got ${describeKind(max)}`);
  }
  return new AgentsTraceRecorder(max);
}

class AgentsTraceRecorder implements AuditAgentsTraceProcessor {
  private readonly runs = new Map<string, OpenRun>();
  private readonly spans = new Map<string, OpenSdkSpan>();
  /** The names of runs ended by a failed task, for spans of their trace that still come (the newest MAX_ENDED_RUNS). */
  private readonly endedRuns = new Map<string, string>();
  private abandoned = 0;
  private warned = false;

  constructor(private readonly maxOpenSpans: number) {}

  onTraceStart(trace: AgentsTrace): Promise<void> {
    return this.guarded('onTraceStart', () => {
      const read = readAgentsTrace(trace);
      if (read !== undefined && !this.runs.has(read.traceId)) this.startRun(read.traceId, read.name);
    });
  }

  onTraceEnd(trace: AgentsTrace): Promise<void> {
    return this.guarded('onTraceEnd', () => {
      const read = readAgentsTrace(trace);
      if (read !== undefined) this.endRun(read.traceId, undefined, 'still open when its trace ended');
    });
  }

  onSpanStart(span: AgentsSpan): Promise<void> {
    return this.guarded('onSpanStart', () => {
      const view = readAgentsSpan(span);
      if (view === undefined || this.spans.has(view.spanId)) return;
      // A trace that started before this processor was registered starts its run now.
      const run = this.runs.get(view.traceId) ?? this.startRun(view.traceId, this.endedRuns.get(view.traceId));
      const parent = view.parentId === undefined ? undefined : this.spans.get(view.parentId);
      const target = parent?.target ?? run.span;
      const agentName = view.type === 'agent' ? nonEmptyText(view.data.name) : undefined;
      // The first agent of a Runner.run (of its task; before the SDK had tasks, of the trace).
      const owner = parent?.type === 'task' ? parent : run;
      const firstAgent = view.type === 'agent' && !owner.agentSeen;
      if (view.type === 'agent') owner.agentSeen = true;
      const own = view.type === 'task' ? undefined : startAgentsSpan(view, { parent: otelTrace.setSpan(run.context, target), agent: parent?.agent, firstAgent, notBefore: run.notBefore });
      this.spans.set(view.spanId, { traceId: view.traceId, type: view.type, span: own, target: own ?? target, agent: agentName ?? parent?.agent, agentSeen: false });
      this.bound();
    });
  }

  onSpanEnd(span: AgentsSpan): Promise<void> {
    return this.guarded('onSpanEnd', () => {
      const view = readAgentsSpan(span);
      if (view === undefined) return;
      const entry = this.spans.get(view.spanId);
      if (entry === undefined) return;
      this.spans.delete(view.spanId);
      const run = this.runs.get(view.traceId);
      if (entry.span !== undefined) {
        const ended = endAgentsSpan(entry.span, view, run?.toolCalls ?? new RequestedToolCalls());
        if (run !== undefined) run.lastEnd = laterOf(run.lastEnd, ended);
      }
      // A Runner.run that threw: the SDK will not end its trace (see the module comment).
      if (view.type === 'task' && view.parentId === undefined && view.error !== undefined) this.endRun(view.traceId, view, 'still open when its run failed');
    });
  }

  shutdown(): Promise<void> {
    return this.guarded('shutdown', () => {
      for (const traceId of [...this.runs.keys()]) this.abandonRun(traceId, 'still open when the OpenAI Agents SDK shut its tracing down');
    });
  }

  forceFlush(): Promise<void> {
    // Spans go to the OTel provider as they end; flushing it is the provider's.
    return Promise.resolve();
  }

  stats(): AgentsTraceProcessorStats {
    return { openRuns: this.runs.size, openSpans: this.spans.size, abandoned: this.abandoned };
  }

  private startRun(traceId: string, name: string | undefined): OpenRun {
    const workflow = name ?? DEFAULT_WORKFLOW;
    const parent = otelContext.active();
    const attributes = { [GEN_AI_OPERATION_NAME]: OPERATION_INVOKE_AGENT, [GEN_AI_AGENT_NAME]: workflow, [AUDIT_FRAMEWORK_PLUMBING]: true };
    const startTime = auditNow();
    const span = startSpanAt(`${OPERATION_INVOKE_AGENT} ${workflow}`, { kind: SpanKind.INTERNAL, attributes, startTime }, parent, agentsTracer());
    const run: OpenRun = { name: workflow, span, context: parent, toolCalls: new RequestedToolCalls(), agentSeen: false, notBefore: justAfter(startTime), lastEnd: startTime };
    this.runs.set(traceId, run);
    this.bound();
    return run;
  }

  /** Ends the run of `traceId` (failed when `task` says so), ending first what the SDK left open in it. */
  private endRun(traceId: string, task: AgentsSpanView | undefined, leftOpen: string): void {
    const run = this.runs.get(traceId);
    if (run === undefined) return;
    this.abandonSpans(traceId, leftOpen);
    this.runs.delete(traceId);
    if (task?.error !== undefined) {
      failSpan(run.span, task.error, policyOf(run.span));
      this.rememberEnded(traceId, run.name);
    }
    // Now, not the task's millisecond: the run's span started on our clock, at the trace's start; and after every span in it.
    run.span.end(laterOf(auditNow(), justAfter(run.lastEnd)));
  }

  /** Past the bound: the oldest run goes, with everything open in it. */
  private bound(): void {
    if (this.runs.size + this.spans.size <= this.maxOpenSpans) return;
    const oldest = this.runs.keys().next();
    if (!oldest.done) this.abandonRun(oldest.value, `more than ${this.maxOpenSpans} OpenAI Agents SDK spans were open at once`);
  }

  private abandonRun(traceId: string, reason: string): void {
    const run = this.runs.get(traceId);
    if (run === undefined) return;
    this.abandonSpans(traceId, reason);
    this.runs.delete(traceId);
    // Spans of the trace that come after make a run of the same name (a session of its own: this one is over).
    this.rememberEnded(traceId, run.name);
    this.abandon(run.span, reason);
  }

  /** The name of a run ended before its trace, for spans of that trace still to come. */
  private rememberEnded(traceId: string, name: string): void {
    this.endedRuns.set(traceId, name);
    if (this.endedRuns.size > MAX_ENDED_RUNS) this.endedRuns.delete(this.endedRuns.keys().next().value as string);
  }

  private abandonSpans(traceId: string, reason: string): void {
    // Newest first: children end before their parents.
    for (const [id, entry] of [...this.spans].reverse()) {
      if (entry.traceId !== traceId) continue;
      this.spans.delete(id);
      if (entry.span !== undefined) this.abandon(entry.span, reason);
    }
  }

  /** Ends `span` failed, saying why: a span the SDK never ended is never silently lost. */
  private abandon(span: Span, reason: string): void {
    this.abandoned++;
    span.setStatus({ code: SpanStatusCode.ERROR, message: `the OpenAI Agents SDK never ended this span (${reason})` });
    span.end(auditNow());
    if (!this.warned) {
      this.warned = true;
      log.warn(`auditAgentsTraceProcessor: ended an OpenAI Agents SDK span the SDK never ended (${reason}); it is recorded as failed. Further ones are counted in stats().abandoned.`);
    }
  }

  /** Runs a callback of the SDK: recording never throws into the agent, nor rejects. */
  private guarded(callback: string, record: () => void): Promise<void> {
    try {
      record();
    } catch (error) {
      log.debug(`auditAgentsTraceProcessor: could not record ${callback}`, error);
    }
    return Promise.resolve();
  }
}
