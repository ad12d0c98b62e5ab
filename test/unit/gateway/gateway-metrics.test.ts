import { describe, expect, it } from 'vitest';
import { GatewayMetrics, type GatewayStats } from '../../../src/gateway/gateway-metrics.js';

const STATS: GatewayStats = {
  eventsConverted: 12,
  spansQueued: 0,
  spansDropped: 0,
  spansReceived: 5,
  logRecordsReceived: 4,
  backends: { 'say "hi"\\': { queued: 1, inFlight: 2, delivered: 9, failed: 1, dropped: 0, retries: 3, deferred: 0, backlog: 4, trailRecordsLost: 0 } },
  spool: { dir: '/spool', bytes: 2048, segments: 1, appended: 12, writeFailures: 0 },
};

describe('GatewayMetrics', () => {
  it('writes Prometheus text: HELP and TYPE per family, requests by route and status, escaped label values', () => {
    const metrics = new GatewayMetrics();
    metrics.answered('/v1/traces', 200);
    metrics.answered('/v1/traces', 200);
    metrics.answered('/v1/traces', 429);
    metrics.answered('/wp-login.php', 404);

    const text = metrics.text(STATS);

    expect(text).toContain('# TYPE otel_agent_audit_gateway_requests_total counter\n');
    expect(text).toContain('otel_agent_audit_gateway_requests_total{route="/v1/traces",status="200"} 2\n');
    expect(text).toContain('otel_agent_audit_gateway_requests_total{route="/v1/traces",status="429"} 1\n');
    expect(text).toContain('otel_agent_audit_gateway_requests_total{route="other",status="404"} 1\n');
    expect(text).toContain('otel_agent_audit_gateway_spans_received_total 5\n');
    expect(text).toContain('otel_agent_audit_gateway_backend_events_total{backend="say \\"hi\\"\\\\",outcome="delivered"} 9\n');
    expect(text).toContain('otel_agent_audit_gateway_backend_events_behind{backend="say \\"hi\\"\\\\"} 7\n');
    expect(text).toContain('otel_agent_audit_gateway_spool_bytes 2048\n');
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text.trimEnd().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{.*\})? \d+$/);
  });
});
