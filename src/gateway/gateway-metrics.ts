/**
 * The gateway's `/metrics`, in the Prometheus text exposition format
 * (version 0.0.4): requests answered by route and status, what was received,
 * and the pipeline's own counters (events converted, per backend delivered /
 * failed / dropped and how far behind, the spool's size and write failures).
 */
import type { AuditStats } from '../pipeline/audit-stats.js';

/** The media type of the text format, as Prometheus asks for it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const PREFIX = 'otel_agent_audit_gateway_';
/** The gRPC trace method, as the `route` label names it. */
export const GRPC_TRACES_ROUTE = 'grpc:TraceService/Export';
/** The gRPC logs method, as the `route` label names it. */
export const GRPC_LOGS_ROUTE = 'grpc:LogsService/Export';
/** Routes named in the `route` label; anything else is `other`, so a scanner cannot grow the series without bound. */
const ROUTES: ReadonlySet<string> = new Set(['/v1/traces', '/v1/logs', '/healthz', '/readyz', '/metrics', GRPC_TRACES_ROUTE, GRPC_LOGS_ROUTE]);

/** What the pipeline reports, plus what the gateway received. */
export type GatewayStats = AuditStats & { readonly spansReceived: number; readonly logRecordsReceived: number };

/**
 * Request counts, and the text of all metrics.
 *
 * @example
 * const metrics = new GatewayMetrics();
 * metrics.answered('/v1/traces', 200);
 * res.end(metrics.text(pipeline.stats()));
 */
export class GatewayMetrics {
  private readonly requests = new Map<string, number>();

  /** Counts one answer (`path` without its query): an HTTP status, or a gRPC status name for the gRPC routes. */
  answered(path: string, status: number | string): void {
    const key = `${ROUTES.has(path) ? path : 'other'} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Every metric as Prometheus text. */
  text(stats: GatewayStats): string {
    const out: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[labels: Record<string, string>, value: number]>): void => {
      out.push(`# HELP ${PREFIX}${name} ${help}`, `# TYPE ${PREFIX}${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${PREFIX}${name}${labelText(labels)} ${value}`);
    };
    family('requests_total', 'counter', 'Requests answered, by route and status (HTTP status; gRPC status name for the grpc: routes).', [...this.requests].map(([key, n]) => {
      const [route = 'other', status = ''] = key.split(' ');
      return [{ route, status }, n];
    }));
    family('spans_received_total', 'counter', 'Spans decoded from /v1/traces requests.', [[{}, stats.spansReceived]]);
    family('log_records_received_total', 'counter', 'Log records decoded from /v1/logs requests.', [[{}, stats.logRecordsReceived]]);
    family('events_converted_total', 'counter', 'Audit events made from received spans.', [[{}, stats.eventsConverted]]);
    const backends = Object.entries(stats.backends);
    family('backend_events_total', 'counter', 'Audit events per backend, by outcome.', backends.flatMap(([backend, b]) => [
      [{ backend, outcome: 'delivered' }, b.delivered],
      [{ backend, outcome: 'failed' }, b.failed],
      [{ backend, outcome: 'dropped' }, b.dropped],
    ] as Array<[Record<string, string>, number]>));
    family('backend_events_behind', 'gauge', 'Audit events a backend has yet to settle: queued, in flight, and waiting in the spool.', backends.map(([backend, b]) => [{ backend }, b.queued + b.inFlight + b.backlog]));
    if (stats.spool !== undefined) {
      family('spool_bytes', 'gauge', 'Bytes in the spool segment files and buffered for the next commit.', [[{}, stats.spool.bytes]]);
      family('spool_write_failures_total', 'counter', 'Spool writes that failed (their events were kept in memory only).', [[{}, stats.spool.writeFailures]]);
    }
    return `${out.join('\n')}\n`;
  }
}

/** `{a="x",b="y"}` with values escaped as the format asks (backslash, double quote, line feed); empty for no labels. */
function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}
