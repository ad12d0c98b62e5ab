/**
 * `otel-agent-audit/gateway`: the OTLP/HTTP audit gateway. Apps with no audit
 * processor export spans and log records to it with the ordinary
 * OpenTelemetry exporters; it turns them into audit events with the same
 * conversion, session stitching, redaction, hash chain and spool as the
 * in-process pipeline, and delivers them to the configured backends. It
 * lives behind its own subpath so the library core does not load the server.
 *
 * @example
 * import { startAuditGateway } from 'otel-agent-audit/gateway';
 *
 * const gateway = await startAuditGateway({ port: 4318 });
 * // in the app: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
 * await gateway.close();
 *
 * @module
 */
export { startAuditGateway } from './audit-gateway.js';
export type { AuditGateway, AuditGatewayOptions } from './audit-gateway.js';
