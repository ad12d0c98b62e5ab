/**
 * The one test harness for OTel setup: vitest's `test` extended with the
 * fixtures a test of this package needs, so no test file writes its own
 * beforeEach/afterEach for a provider, `diag` or a strict server.
 *
 * Fixtures are lazy: a test gets one only by destructuring it
 * (`it('…', async ({ tracing, secureagenticsServer }) => …)`), and each is set
 * up fresh for that test and torn down after it. The order of teardown is
 * fixed, whatever order a test names its fixtures in:
 *   1. `diagnostics` stops capturing;
 *   2. every provider installed through `install` shuts down (so its audit
 *      processor flushes to the servers, which are still up), in reverse
 *      order, and the OTel globals are reset;
 *   3. the servers close (through `onTestFinished`, which vitest runs after
 *      all fixtures are torn down), the last started first.
 *
 * @example
 * import { it } from '../support/audit-test.js';
 * it('delivers a tool call', async ({ install, secureagenticsServer: server }) => {
 *   const { processor } = install.audit(server);
 *   …
 * });
 */
import { diag, trace, type Attributes, type SpanKind, type SpanStatusCode } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { test as base } from 'vitest';
import type { SecureagenticsOptions } from '../../src/backends/secureagentics/secureagentics.js';
import { toAuditEvents } from '../../src/convert/to-audit-events.js';
import type { AuditBackend } from '../../src/model/audit-backend.js';
import type { AuditEvent } from '../../src/model/audit-event.js';
import type { AuditProcessorOptions, AuditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import { startAgenticAuditServer, type AgenticAuditTestServer } from '../servers/agentic-audit-server.js';
import { startAgentOpsServer, type AgentOpsTestServer } from '../servers/agentops-server.js';
import { startAgentSudoServer, type AgentSudoTestServer } from '../servers/agentsudo-server.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../servers/fake-openai-server.js';
import { startOtlpSink, type OtlpSink } from '../servers/otlp-sink.js';
import { startSecureagenticsServer, type SecureagenticsTestServer } from '../servers/secureagentics-server.js';
import { installBackends } from './install-backends.js';
import { captureProcessWarnings, type CapturedWarnings } from './process-warnings.js';
import { recordingBackend, recordingProcessor, type RecordingBackend } from './recording-backend.js';
import { captureDiag, installAudit, installTracing, onlySpanAttributes, resetOtelGlobals, type TestTracing } from './tracing.js';

/** What `install.audit` and `install.backends` return: the audit processor and the provider it sits on. */
export interface InstalledAudit {
  processor: AuditSpanProcessor;
  tracing: TestTracing;
}

/**
 * Registers a global provider for the test; every provider it registers is
 * shut down after the test. For a test that builds its processor first (from
 * a server's URL, a backend it made), where the `tracing` fixture cannot.
 */
export interface TracingInstaller {
  /** A fresh provider with `processors` before the in-memory exporter, and this resource if given (see `installTracing`). */
  tracing(processors?: SpanProcessor[], options?: { resource?: Resource; idGenerator?: IdGenerator }): TestTracing;
  /** The audit processor with one Secureagentics backend on `server`, fast retries (see `installAudit`). */
  audit(server: { url: string; apiKey: string }, backendOptions?: SecureagenticsOptions, delivery?: AuditProcessorOptions): InstalledAudit;
  /** The audit processor with these backends, on a provider with `TEST_RESOURCE`, fast retries (see `installBackends`). */
  backends(backends: AuditBackend[], delivery?: AuditProcessorOptions): InstalledAudit;
}

/** The `diag` messages at WARN and above, from the moment the test asked for them. */
export interface CapturedDiag {
  errors: string[];
  warnings: string[];
}

/** One span to end through a real tracer, for `spanEvents`. */
export interface OneSpan {
  /** The tracer's (instrumentation scope's) name. */
  scope: string;
  name: string;
  attributes?: Attributes;
  kind?: SpanKind;
  /** Span events, added in order before the span ends. */
  events?: Array<[name: string, attributes: Attributes]>;
  status?: SpanStatusCode;
}

export interface AuditFixtures {
  /**
   * Set up for every test (it costs nothing until used): whatever the test
   * registers, through it or not (setupAudit, NodeSDK), is undone after it.
   */
  install: TracingInstaller;
  /** A fresh registered provider with an in-memory exporter and no other processor. */
  tracing: TestTracing;
  /** `diag` messages at WARN and above, captured from the start of the test. */
  diagnostics: CapturedDiag;
  /** Delivery warnings (code OTEL_AGENT_AUDIT_DELIVERY), as a user with no logger sees them, captured from the start of the test. */
  deliveryWarnings: CapturedWarnings;
  /**
   * Ends one span on `tracing` (its exporter cleared first) and returns the
   * audit events `toAuditEvents` makes of it: a converter test's act step.
   */
  spanEvents: (span: OneSpan) => AuditEvent[];
  /** The attributes of the one span `tracing` finished so far (throws unless there is exactly one). */
  spanAttributes: () => Attributes;
  /** The audit processor with an in-process recording backend, installed on a fresh provider. */
  recorded: InstalledAudit & { backend: RecordingBackend };
  secureagenticsServer: SecureagenticsTestServer;
  agentOpsServer: AgentOpsTestServer;
  agenticAuditServer: AgenticAuditTestServer;
  agentSudoServer: AgentSudoTestServer;
  otlpSink: OtlpSink;
  fakeOpenAI: FakeOpenAIServer;
}

/**
 * A fixture that starts a server for one test and closes it after every fixture
 * is torn down, so a provider's shutdown flush still reaches it. For a test file
 * that needs a second server of a kind: `base.extend({ failing: serverFixture(startSecureagenticsServer) })`.
 */
export function serverFixture<S extends { close(): Promise<void> }>(start: () => Promise<S>) {
  return async ({ onTestFinished }: { onTestFinished: (fn: () => Promise<void>) => void }, use: (server: S) => Promise<void>) => {
    const server = await start();
    onTestFinished(() => server.close());
    await use(server);
  };
}

/** `test` with the fixtures of {@link AuditFixtures}; see the module comment. */
export const test = base.extend<AuditFixtures>({
  install: [
    async ({}, use) => {
      const installed: TestTracing[] = [];
      // A test may close a provider itself (to install the next one): closing it again at teardown is a no-op.
      const track = <T extends { tracing: TestTracing }>(result: T): T => {
        const close = result.tracing.close.bind(result.tracing);
        let closed: Promise<void> | undefined;
        result.tracing.close = () => (closed ??= close());
        installed.push(result.tracing);
        return result;
      };
      await use({
        tracing: (processors, options) => track({ tracing: installTracing(processors, options) }).tracing,
        audit: (server, backendOptions, delivery) => track(installAudit(server, backendOptions, delivery)),
        backends: (backends, delivery) => track(installBackends(backends, delivery)),
      });
      for (const tracing of installed.reverse()) await tracing.close();
      resetOtelGlobals();
    },
    { auto: true },
  ],
  tracing: async ({ install }, use) => use(install.tracing()),
  deliveryWarnings: async ({}, use) => use(captureProcessWarnings()),
  diagnostics: async ({}, use) => {
    await use(captureDiag());
    // Only diag: the providers, still to shut down, need the other globals.
    diag.disable();
  },
  spanEvents: async ({ tracing }, use) =>
    use(({ scope, name, attributes, kind, events = [], status }) => {
      tracing.memory.reset();
      const span = trace.getTracer(scope).startSpan(name, { attributes, ...(kind !== undefined && { kind }) });
      for (const [eventName, eventAttributes] of events) span.addEvent(eventName, eventAttributes);
      if (status !== undefined) span.setStatus({ code: status });
      span.end();
      return toAuditEvents(tracing.memory.getFinishedSpans());
    }),
  spanAttributes: async ({ tracing }, use) => use(() => onlySpanAttributes(tracing)),
  recorded: async ({ install }, use) => {
    const backend = recordingBackend();
    const processor = recordingProcessor(backend);
    await use({ backend, processor, tracing: install.tracing([processor]) });
  },
  secureagenticsServer: serverFixture(startSecureagenticsServer),
  agentOpsServer: serverFixture(startAgentOpsServer),
  agenticAuditServer: serverFixture(startAgenticAuditServer),
  agentSudoServer: serverFixture(startAgentSudoServer),
  otlpSink: serverFixture(startOtlpSink),
  fakeOpenAI: serverFixture(startFakeOpenAIServer),
});

/** The same as {@link test}, by the name the test files use. */
export const it = test;
