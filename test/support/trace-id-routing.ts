/**
 * Trace-id routing as the Collector's `loadbalancing` exporter does it
 * (`routing_key: traceID`): every span of a trace goes to one of N
 * endpoints, and each endpoint has a sending queue of its own, so one
 * endpoint that is down holds back only its own traces.
 *
 * The Collector is not installable where these tests run (neither npm nor
 * Debian ship `otelcol`), so the app does the routing itself: one real
 * `BatchSpanProcessor` + `OTLPTraceExporter` per gateway, each exporting only
 * the traces that hash to it. The Collector hashes onto a ring (consistent
 * hashing, so that adding an endpoint moves few traces); a modulo is enough
 * here, since the endpoints are fixed for a run.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Which of `endpoints` endpoints a trace goes to: a hash of its id. */
export function endpointOfTrace(traceId: string, endpoints: number): number {
  // FNV-1a over the hex id: stable, and spreads sequential test ids evenly.
  let hash = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) hash = Math.imul(hash ^ traceId.charCodeAt(i), 0x01000193) >>> 0;
  return hash % endpoints;
}

/** What one endpoint's exporter was told by its gateway, per span. */
export interface EndpointLedger {
  /** Span ids the gateway answered 200 for (after the exporter's own retries). */
  readonly acknowledged: Set<string>;
  /** Span ids whose export failed for good (retries exhausted, or refused). */
  readonly failed: Set<string>;
}

/** The exporter of one endpoint: the spans of its traces, to its gateway over OTLP/HTTP protobuf. */
class EndpointExporter implements SpanExporter {
  constructor(
    private readonly index: number,
    private readonly endpoints: number,
    private readonly otlp: OTLPTraceExporter,
    readonly ledger: EndpointLedger,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const mine = spans.filter((span) => endpointOfTrace(span.spanContext().traceId, this.endpoints) === this.index);
    if (mine.length === 0) return done({ code: ExportResultCode.SUCCESS });
    this.otlp.export(mine, (result) => {
      const into = result.code === ExportResultCode.SUCCESS ? this.ledger.acknowledged : this.ledger.failed;
      for (const span of mine) into.add(span.spanContext().spanId);
      done(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.otlp.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.otlp.shutdown();
  }
}

/**
 * One span processor per gateway URL, each routing its share of the traces
 * there; and a ledger per gateway of what it acknowledged.
 *
 * @example
 * const routing = traceIdRouting(gateways.map((g) => g.url), { scheduledDelayMillis: 20 });
 * installTracing(routing.processors);
 */
export function traceIdRouting(urls: readonly string[], batch: { scheduledDelayMillis?: number; timeoutMillis?: number } = {}): { processors: SpanProcessor[]; ledgers: EndpointLedger[] } {
  const ledgers = urls.map((): EndpointLedger => ({ acknowledged: new Set(), failed: new Set() }));
  const processors = urls.map((url, index) => {
    const otlp = new OTLPTraceExporter({ url: `${url}/v1/traces`, ...(batch.timeoutMillis !== undefined && { timeoutMillis: batch.timeoutMillis }) });
    // The batch processor must outwait the exporter's retries (its own export timeout is 30 s by default).
    return new BatchSpanProcessor(new EndpointExporter(index, urls.length, otlp, ledgers[index]!), { scheduledDelayMillis: batch.scheduledDelayMillis ?? 20, exportTimeoutMillis: 60_000 });
  });
  return { processors, ledgers };
}
