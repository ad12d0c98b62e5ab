/**
 * Installs a real NodeTracerProvider as the global provider for one test and
 * removes it afterwards, so each test starts from a clean OTel global state.
 */
import { context, diag, DiagLogLevel, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TestTracing {
  provider: NodeTracerProvider;
  /** Every finished span, as the SDK handed it to exporters. */
  memory: InMemorySpanExporter;
  close(): Promise<void>;
}

export function installTracing(processors: SpanProcessor[] = []): TestTracing {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [...processors, new SimpleSpanProcessor(memory)] });
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
export const FAST_RETRY = Object.freeze({ initialBackoffMillis: 5, maxBackoffMillis: 20, maxAttempts: 4, scheduledDelayMillis: 0 });
