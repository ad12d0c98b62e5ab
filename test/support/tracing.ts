/**
 * Installs a real NodeTracerProvider as the global provider for one test and
 * removes it afterwards, so each test starts from a clean OTel global state.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, diag, DiagLogLevel, propagation, trace, type Attributes, type DiagLogger } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { secureagentics, type SecureagenticsOptions } from '../../src/backends/secureagentics/secureagentics.js';
import { auditSpanProcessor, type AuditProcessorOptions, type AuditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';

export interface TestTracing {
  provider: NodeTracerProvider;
  /** Every finished span, as the SDK handed it to exporters. */
  memory: InMemorySpanExporter;
  close(): Promise<void>;
}

/**
 * Registers a fresh provider: `processors` first, then an in-memory exporter
 * that keeps every finished span. `resource` is the SDK default unless given;
 * `idGenerator` the SDK's random one (a test that compares two runs span by
 * span gives both the same sequence).
 */
export function installTracing(processors: SpanProcessor[] = [], options: { resource?: Resource; idGenerator?: IdGenerator } = {}): TestTracing {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ ...options, spanProcessors: [...processors, new SimpleSpanProcessor(memory)] });
  provider.register();
  return {
    provider,
    memory,
    async close() {
      await provider.shutdown();
      resetOtelGlobals();
    },
  };
}

/** The attributes of the one span a test recorded (fails the test if there is not exactly one). */
export function onlySpanAttributes(tracing: TestTracing): Attributes {
  const spans = tracing.memory.getFinishedSpans();
  if (spans.length !== 1) throw new Error(`expected exactly 1 finished span, got ${spans.length}`);
  return spans[0]!.attributes;
}

export function resetOtelGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
  diag.disable();
}

/** Captures `diag` messages at WARN and above. */
export function captureDiag(): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: (m, ...a) => errors.push([m, ...a].join(' ')),
    warn: (m, ...a) => warnings.push([m, ...a].join(' ')),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { errors, warnings };
}

/** Fast retries for tests: the policy is the same, only the waits are short. */
export const FAST_RETRY = Object.freeze({
  initialBackoffMillis: 5,
  maxBackoffMillis: 20,
  maxAttempts: 4,
  scheduledDelayMillis: 0,
  /**
   * A fresh spool folder each time FAST_RETRY is spread into options: a test
   * never delivers what an earlier test of its file left in a spool.
   */
  get spoolDir(): string {
    return freshSpoolDir();
  },
});

/**
 * The audit span processor with one Secureagentics backend pointed at a test
 * server, installed on a fresh global provider, with fast retries.
 */
export function installAudit(
  server: { url: string; apiKey: string },
  backendOptions: SecureagenticsOptions = {},
  delivery: AuditProcessorOptions = {},
): { processor: AuditSpanProcessor; tracing: TestTracing } {
  const processor = auditSpanProcessor({
    backends: [secureagentics({ apiKey: server.apiKey, baseUrl: server.url, ...backendOptions })],
    ...FAST_RETRY,
    ...delivery,
  });
  return { processor, tracing: installTracing([processor]) };
}

/** The batch requests a test server received. */
export function batchRequests(server: { requests: Array<{ path: string }> }): Array<{ path: string }> {
  return server.requests.filter((r) => r.path.endsWith('/events/batch'));
}

/** A new empty spool folder, removed when the test process exits. */
export function freshSpoolDir(): string {
  return mkdtempSync(join(process.env['OTEL_AGENT_AUDIT_SPOOL_DIR'] ?? tmpdir(), 'test-'));
}
