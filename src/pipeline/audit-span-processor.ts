import { TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { AUDIT_SESSION_ROOT, AUDIT_SESSION_START_EXPORTED } from '../model/attributes.js';
import { agentRunOf } from '../model/agent-run-span.js';
import { resolveOption } from '../config/resolve-option.js';
import { resolveSpanQueueConfig, type SpanQueueConfig, type SpanQueueOptions } from '../config/resolve.js';
import { resolveToolGate } from '../config/tool-decision-options.js';
import { liveRecordingPolicies, stampRecordingPolicy, strictest, type RecordingPolicy } from '../model/recording-policy.js';
import { missingSessionAttributes, sessionFromContext, type SessionIdentity } from '../model/session-context.js';
import type { AuditEvent } from '../model/audit-event.js';
import type { ToolDecisionOptions, ToolGate } from '../model/tool-gate.js';
import type { AuditStats } from './audit-stats.js';
import { AuditSpanExporter, type AuditExporterOptions } from './audit-span-exporter.js';
import type { LogContentIntake } from './log-content-intake.js';
import { AgentsBridgeSpans, isRecordedByOurs, runDecidedLater } from './agents-bridge-spans.js';
import { McpToolCalls } from './mcp-tool-calls.js';
import { ClaimedToolSpans } from './claimed-tool-spans.js';
import { MastraStepPrompts } from './mastra-step-prompts.js';
import { ModelCallTracker } from './model-call-tracker.js';
import { ReportedErrors } from './reported-errors.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:processor');

/** How often open model calls are checked against `unfinishedCallTimeoutMillis`. */
const SWEEP_INTERVAL_MILLIS = 1_000;

/** Options of {@link auditSpanProcessor}. */
export interface AuditProcessorOptions extends AuditExporterOptions, SpanQueueOptions {
  /**
   * Put every `withToolCall` to this deciding backend before the tool runs
   * (a call can opt out with `decision: false`). Default: no gate.
   */
  toolDecision?: ToolDecisionOptions;
  /**
   * A model-call span still open this long after its session ended (outside a
   * session: after it started) is reported as a failed call; some
   * instrumentations never end the span of a call that failed. Default 300000.
   */
  unfinishedCallTimeoutMillis?: number;
}

/**
 * The span processor of the audit pipeline:
 * - on start, stamps every span inside a `withSession` (ours or any other
 *   library's) with the session id and agent identity, unless it has its own;
 *   outside one, an agent framework's run (an OpenInference `AGENT` span, a
 *   GenAI `invoke_agent`, an OpenLLMetry `agent` / `workflow`) becomes the
 *   session, and the spans under it are stamped the same way;
 * - on end, queues the span (bounded; drops are counted) and converts queued
 *   spans in batches off the agent's call path, handing the events to
 *   {@link AuditSpanExporter}.
 *
 * Create it with {@link auditSpanProcessor}; the class is exported for
 * `instanceof` checks and typing.
 *
 * @example
 * const processor: AuditSpanProcessor = auditSpanProcessor();
 * console.log(processor.stats().backends);
 */
export class AuditSpanProcessor implements SpanProcessor {
  private buffer: ReadableSpan[] = [];
  private spansDropped = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private timerIsImmediate = false;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly config: SpanQueueConfig;
  private readonly modelCalls: ModelCallTracker;
  private readonly reportedErrors = new ReportedErrors();
  /** Mastra model calls waiting for the step around them, which holds their messages (mastra-step-prompts.ts). */
  private readonly stepPrompts: MastraStepPrompts;
  /** Whether Mastra calls were held at the last `beforeExit`. */
  private stepsHeldAtExit = false;
  /** MCP calls `auditMcpClient` records, matched to another instrumentation's span of the same call (mcp-tool-calls.ts). */
  private readonly mcpToolCalls = new McpToolCalls();
  /** One run, one trail, with our OpenAI Agents processor and OpenInference's bridge at once (agents-bridge-spans.ts). */
  private readonly agentsBridge = new AgentsBridgeSpans();
  /** Tool spans under a stream reader (`auditClaudeQuery`), which records a tool itself unless one of them did (model/tool-call-claims.ts). */
  private readonly claimedToolSpans = new ClaimedToolSpans();
  private readonly sweep: NodeJS.Timeout;
  /** What the recording helpers may write on this provider's spans (stamped on each in `onStart`). */
  private readonly recording: RecordingPolicy;
  private readonly live = liveRecordingPolicies();
  /** After shutdown: the policy stamped, and the live one it was combined with. */
  private afterShutdown: { live: RecordingPolicy | undefined; stamp: RecordingPolicy } | undefined;

  constructor(
    private readonly exporter: AuditSpanExporter,
    options: ProcessorSettingsOptions & { toolGate?: ToolGate } = {},
  ) {
    const { queue, unfinishedCallTimeoutMillis } = resolveProcessorSettings(options);
    this.config = queue;
    this.modelCalls = new ModelCallTracker(unfinishedCallTimeoutMillis);
    this.stepPrompts = new MastraStepPrompts(unfinishedCallTimeoutMillis);
    // Model calls whose span never ends are looked for now and then, off any
    // call path. The timer holds the processor weakly: one dropped without
    // shutdown (its provider gone) can be collected, and stops counting as a
    // live pipeline (recording-policy.ts).
    const self = new WeakRef(this);
    const sweep = setInterval(() => {
      const processor = self.deref();
      if (processor === undefined) clearInterval(sweep);
      else processor.release([...processor.modelCalls.overdue(), ...processor.stepPrompts.overdue()]);
    }, Math.min(unfinishedCallTimeoutMillis, SWEEP_INTERVAL_MILLIS));
    sweep.unref();
    this.sweep = sweep;
    // Registered last, so a construction that threw leaves no policy behind
    // (recording-policy.ts). It stands for the exporter's own (the same
    // content settings, plus the gate; the exporter shuts down with it): one pipeline, one policy.
    this.live.remove(exporter);
    this.recording = this.live.add(this, Object.freeze({ captureContent: exporter.captureContent, maxContentLength: exporter.maxContentLength, toolGate: options.toolGate }));
  }

  onStart(span: Span, parentContext: Context): void {
    // Before the helper that started the span writes anything (recording-policy.ts).
    // Unstamped spans follow the strictest live pipeline: while every live
    // pipeline has this very policy (one pipeline, the usual case), a stamp
    // would say nothing new and only cost every span a property. With
    // policies that differ each processor stamps, since several on one
    // provider combine only through their stamps.
    const live = this.live.strictest();
    if (live !== this.recording) stampRecordingPolicy(span, this.stopped ? this.policyAfterShutdown(live) : this.recording);
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.mcpToolCalls.started(span);
    this.claimedToolSpans.started(span, parentContext);
    this.agentsBridge.started(span, this.modelCalls.openParent(parentContext));
    const fromContext = sessionFromContext(parentContext);
    if (fromContext === undefined) this.adoptParentRun(parentContext);
    const place = this.modelCalls.placeOf(parentContext);
    const session = fromContext ?? place.session ?? (runDecidedLater(span) ? undefined : runSession(span));
    for (const unfinished of this.modelCalls.onStart(span, parentContext, session, place)) this.enqueue(unfinished);
    if (session) this.enterSession(span, session, place.agent);
  }

  /**
   * A parent outside any session that its attributes, set after it started,
   * now show to be a framework's run becomes the session of its run before
   * its first child joins it.
   */
  private adoptParentRun(parentContext: Context): void {
    const parent = this.modelCalls.sessionlessParent(parentContext);
    const session = parent && !isRecordedByOurs(parent) ? runSession(parent) : undefined;
    if (parent === undefined || session === undefined) return;
    this.modelCalls.adoptSession(parent.spanContext().spanId, session);
    this.enterSession(parent, session, undefined);
  }

  /** Stamps `span` (open) with its session and the agent acting in it; a session's root puts the session's start in the trail. */
  private enterSession(span: Span, session: SessionIdentity, agent: string | undefined): void {
    // Under a framework's agent span, the agent it names is the one acting.
    const acting = agent !== undefined && agent !== session.agentName ? { ...session, agentName: agent } : session;
    const missing = missingSessionAttributes(acting, span.attributes);
    if (missing) span.setAttributes(missing);
    // A session is in the trail from its first moment, not only once it ends.
    if (span.attributes[AUDIT_SESSION_ROOT] === true) {
      if (this.exporter.exportSessionStart(span)) span.setAttribute(AUDIT_SESSION_START_EXPORTED, true);
    }
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.mcpToolCalls.ended(span.spanContext().spanId);
    this.claimedToolSpans.ended(span);
    this.agentsBridge.ended(span);
    // After shutdown nothing is held back: nothing would let it go.
    if (this.stopped) return this.enqueue(span);
    const insideCall = this.modelCalls.insideEnclosingCall(span);
    // Errors are told in the order spans end; a call held to be matched is converted once decided.
    this.release(this.modelCalls.settle(this.reportedErrors.onEnd(this.modelCalls.onEnd(span), insideCall)));
    if (span.attributes[AUDIT_SESSION_ROOT] === true) this.modelCalls.sessionEnded(span.spanContext().traceId);
  }

  /** Spans a hold let go of (or that were never held), on to conversion through the Mastra step hold. */
  private release(spans: readonly ReadableSpan[]): void {
    const isOpen = (spanId: string) => this.modelCalls.isOpen(spanId);
    for (const span of spans) for (const ready of this.stepPrompts.settle(span, isOpen)) this.enqueue(ready);
  }

  private enqueue(span: ReadableSpan): void {
    // Stamp-only (no backend): converting would make events nobody takes; the app's own exporter carries the span.
    if (this.exporter.stampsOnly) return;
    if (this.stopped) {
      this.dropSpan('ended after shutdown');
      return;
    }
    // A full queue means the agent ends spans faster than the timer gets to
    // convert them (a burst, or a loop that never yields to timers): convert
    // the oldest batch here, in the span's end, rather than drop a span. The
    // agent then pays for conversion only while it outruns it, one batch at a
    // time, and the queue's memory stays bounded.
    if (this.buffer.length >= this.config.maxSpanQueueSize) this.exportBatch();
    this.buffer.push(span);
    if (this.buffer.length >= this.config.maxSpanBatchSize) this.schedule(0);
    else this.schedule(this.config.scheduledDelayMillis);
  }

  async forceFlush(): Promise<void> {
    this.drain();
    await this.exporter.forceFlush();
  }

  /** Idempotent: every caller waits for the one shutdown under way. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.stop();
    return this.shutdownPromise;
  }

  /**
   * For `beforeExit`: reports model calls whose span was already open at the
   * previous `beforeExit` and still is (nothing can end them now), and notes
   * the ones open now. When calls were noted, let the event loop turn once
   * more (`setImmediate`) and call it again at the next `beforeExit`.
   * `setupAudit` does this for you.
   */
  reportUnfinishedCallsAtExit(): { reported: number; noted: number } {
    const { reported, noted } = this.modelCalls.atExit();
    this.release(reported);
    // Mastra calls still waiting for their step a turn later: no step will end now.
    const released = this.stepsHeldAtExit ? this.stepPrompts.all() : [];
    for (const call of released) this.enqueue(call);
    this.stepsHeldAtExit = this.stepPrompts.holding;
    return { reported: reported.length + released.length, noted: noted + (this.stepsHeldAtExit ? 1 : 0) };
  }

  /** True while spans or events are waiting or being delivered. */
  hasPendingWork(): boolean {
    if (this.buffer.length > 0 || this.modelCalls.holding || this.stepPrompts.holding) return true;
    return Object.values(this.exporter.stats().backends).some((b) => b.queued + b.inFlight > 0);
  }

  /**
   * For `beforeExit` with nothing pending: closes the exporter's stream in
   * the trail (a process that exits without `shutdown()` still leaves a
   * stream that ends with a signed close). Returns whether that made work
   * to deliver. `setupAudit` does this for you.
   */
  closeStreamAtExit(): boolean {
    return !this.stopped && this.exporter.closeStream();
  }

  /** True once `shutdown()` has been called. */
  get isShutdown(): boolean {
    return this.stopped;
  }

  /**
   * After shutdown the provider's spans still start here. Its content
   * settings go on holding them: shutting the pipeline down must not let
   * content reach the exporters beside it. Its tool gate ends with it (the
   * gate asks a backend that shut down too; a closed one would refuse every
   * tool). Combined with the strictest live policy, as for a provider with
   * no live audit pipeline (and for a live processor on this provider that
   * skipped its stamp). Combined once per change of the live policies, not per span.
   */
  private policyAfterShutdown(live: RecordingPolicy | undefined): RecordingPolicy {
    const cached = this.afterShutdown;
    if (cached !== undefined && cached.live === live) return cached.stamp;
    const own: RecordingPolicy = { captureContent: this.recording.captureContent, maxContentLength: this.recording.maxContentLength, toolGate: undefined };
    const stamp = live === undefined ? own : strictest(own, live);
    this.afterShutdown = { live, stamp };
    return stamp;
  }

  private async stop(): Promise<void> {
    clearInterval(this.sweep);
    this.release(this.modelCalls.allUnfinished());
    for (const waiting of this.stepPrompts.all()) this.enqueue(waiting);
    this.drain();
    this.stopped = true;
    this.live.remove(this);
    await this.exporter.shutdown();
    if (this.spansDropped > 0) log.warn(`${this.spansDropped === 1 ? '1 finished span was' : `${this.spansDropped} finished spans were`} dropped before conversion in total.`);
  }

  /** Where `auditLogRecordProcessor(this)` puts GenAI log-record content (this processor's exporter's store). */
  logContentIntake(): LogContentIntake {
    return this.exporter.logContentIntake();
  }

  /** Spans waiting and dropped, events converted, and per backend delivered / failed / dropped / retried / waiting. */
  stats(): AuditStats {
    return { ...this.exporter.stats(), spansQueued: this.buffer.length, spansDropped: this.spansDropped };
  }

  private schedule(delayMillis: number): void {
    if (this.timer && (this.timerIsImmediate || delayMillis > 0)) return;
    this.cancelTimer();
    // Conversion runs on a timer, never inside span.end(): the agent's call
    // path only pays for an array push.
    this.timerIsImmediate = delayMillis === 0;
    const run = (): void => {
      this.timer = undefined;
      this.convertPass();
    };
    if (delayMillis > 0) {
      this.timer = setTimeout(run, delayMillis);
      this.timer.unref();
      return;
    }
    // Right after the I/O the loop has waiting, without setTimeout(0)'s
    // millisecond. Not unref'd: an unref'd immediate does not stop the loop
    // from sleeping in its poll phase until some other timer or I/O wakes it
    // (seconds, with a long request open), and the chain of passes ends
    // anyway once the queue is empty.
    this.timer = setImmediate(run);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    if (this.timerIsImmediate) clearImmediate(this.timer as NodeJS.Immediate);
    else clearTimeout(this.timer as NodeJS.Timeout);
    this.timer = undefined;
  }

  /**
   * One batch per turn of the loop, so a backlog never blocks it long. While
   * more than half the queue waits, the agent makes spans faster than that
   * converts them: a turn then converts back down to half, keeping pace with
   * the agent, rather than let the queue fill and the spans' own ends
   * convert inline. Batches stay whole (`maxSpanBatchSize`): the events of
   * one are put in time order, so smaller ones would reorder the trail
   * (a parent's start event after its children's).
   */
  private convertPass(): void {
    const highWater = this.config.maxSpanQueueSize >> 1;
    do this.exportBatch();
    while (this.buffer.length > highWater);
    if (this.buffer.length > 0) this.schedule(0);
  }

  private exportBatch(): void {
    const batch = this.buffer.splice(0, this.config.maxSpanBatchSize);
    if (batch.length === 0) return;
    this.exporter.export(batch, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.spansDropped += batch.length;
    });
  }

  private drain(): void {
    this.cancelTimer();
    while (this.buffer.length > 0) this.exportBatch();
  }

  private dropSpan(reason: string): void {
    this.spansDropped++;
    // The first drop is said at once; the total again at shutdown.
    if (this.spansDropped === 1) log.warn(`finished spans are being dropped before conversion: ${reason}. See stats().spansDropped.`);
  }
}

/**
 * A span processor that audits every span of an existing tracer provider or
 * `NodeSDK`, next to its other processors. It never registers anything
 * globally.
 *
 * @throws {AuditError} `INVALID_OPTION` for an invalid option value; nothing is left registered then.
 * @example
 * const sdk = new NodeSDK({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter()), auditSpanProcessor()] });
 */
export function auditSpanProcessor(options: AuditProcessorOptions = {}): AuditSpanProcessor {
  const toolGate = options.toolDecision && resolveToolGate(options.toolDecision, 'toolDecision');
  // Every option is checked before the exporter (which registers its policy) is built.
  resolveProcessorSettings(options);
  const exporter = new AuditSpanExporter(options);
  // The event a gate puts to its backend is redacted like every other that leaves.
  return new AuditSpanProcessor(exporter, { ...options, ...(toolGate && { toolGate: { ...toolGate, redact: (event: AuditEvent) => exporter.redacted(event) } }) });
}

type ProcessorSettingsOptions = SpanQueueOptions & Pick<AuditProcessorOptions, 'unfinishedCallTimeoutMillis'>;

/** The processor's own options, resolved; throws on an invalid one. */
function resolveProcessorSettings(options: ProcessorSettingsOptions): { queue: SpanQueueConfig; unfinishedCallTimeoutMillis: number } {
  return { queue: resolveSpanQueueConfig(options), unfinishedCallTimeoutMillis: resolveOption('unfinishedCallTimeoutMillis', options.unfinishedCallTimeoutMillis) };
}

/**
 * The session a framework's run starting outside any session stands for,
 * with the run's span marked as that session's root; undefined for any other
 * span. The run's own conversation id is kept; else the session is named
 * after the run's span (unique, and found again from any of its events).
 */
function runSession(span: Span): SessionIdentity | undefined {
  const run = agentRunOf(span.name, span.attributes, span.instrumentationScope?.name);
  if (run === undefined) return undefined;
  const { traceId, spanId } = span.spanContext();
  span.setAttribute(AUDIT_SESSION_ROOT, true);
  return { sessionId: run.sessionId ?? `${traceId}-${spanId}`, agentName: run.agentName ?? span.name };
}
