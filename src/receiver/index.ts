/**
 * `otel-agent-audit/receiver`: the local audit receiver, for development,
 * demos and tests. It speaks the Secureagentics API and AgenticAudit's
 * `POST /v1/events`, applies demonstration policies and can keep a JSONL
 * trail. It lives behind its own subpath so that the library core
 * (`otel-agent-audit`) does not load the HTTP server.
 *
 * @example
 * import { startAuditReceiver } from 'otel-agent-audit/receiver';
 *
 * const receiver = await startAuditReceiver({ port: 0, file: './audit-trail.jsonl' });
 * // point secureagentics({ baseUrl: receiver.url, apiKey: 'dev' }) at it …
 * await receiver.close();
 *
 * @module
 */
export { startAuditReceiver } from './receiver.js';
export type {
  AuditReceiver,
  AuditReceiverOptions,
  StoredAuditEvent,
  StoredAgenticAuditEvent,
  PolicyResult,
  TrailStats,
  SkippedLines,
} from './receiver.js';
