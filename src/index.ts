// Public API of otel-agent-audit. Everything not exported here is internal.

// Recording agent activity as spans.
export { withSession, activeSession } from './record/session.js';
export type { SessionOptions, SessionHandle } from './record/session.js';
export type { SessionIdentity } from './model/session-context.js';
export { withLLMCall } from './record/llm-call.js';
export type { LLMCallOptions, LLMCallHandle, LLMUsage } from './record/llm-call.js';
export { withToolCall } from './record/tool-call.js';
export type { ToolCallOptions } from './record/tool-call.js';
export type { ToolDecisionOptions } from './model/tool-gate.js';
export { auditMcpClient } from './record/mcp-client.js';
export type { AuditMcpClientOptions, McpToolClient } from './record/mcp-client.js';
export { auditClaudeQuery } from './record/claude-query.js';
export type { AuditClaudeQueryOptions } from './record/claude-query.js';
export { auditAgentsTraceProcessor } from './record/agents-trace-processor.js';
export type { AgentsTraceProcessorOptions, AgentsTraceProcessorStats, AuditAgentsTraceProcessor } from './record/agents-trace-processor.js';
export type { AgentsSpan, AgentsSpanData, AgentsSpanError, AgentsTrace, AgentsTracingProcessor } from './record/agents-trace-shapes.js';
export { recordError, recordEvent } from './record/events.js';
export { recordPermissionCheck } from './record/permission-check.js';
export type { PermissionCheck } from './record/permission-check.js';
export type { Recorded } from './record/run-in-span.js';

// Spans → audit events → backends.
export { setupAudit } from './setup/setup-audit.js';
export type { SetupAuditOptions, AuditHandle, OtlpOptions } from './setup/setup-audit.js';
export { auditSpanProcessor, AuditSpanProcessor } from './pipeline/audit-span-processor.js';
export type { AuditProcessorOptions } from './pipeline/audit-span-processor.js';
export { auditLogRecordProcessor } from './pipeline/audit-log-record-processor.js';
export type { AuditLogRecordProcessor, EmittedLogRecord } from './pipeline/emitted-log-record.js';
export type { LogContentTarget, LogContentIntake } from './pipeline/log-content-intake.js';
export { AuditSpanExporter } from './pipeline/audit-span-exporter.js';
export type { AuditExporterOptions } from './pipeline/audit-span-exporter.js';
export type { DurableExportResult } from './pipeline/durable-export-result.js';
export type { SpoolShortage } from './deliver/spool/spool-room.js';
export type { AuditStats } from './pipeline/audit-stats.js';
export type { DeliveryOptions, SpanQueueOptions } from './config/resolve.js';
export type { DeliveryStats } from './deliver/delivery-queue.js';
export type { RedactionOptions, IntegrityOptions } from './config/resolve-trust.js';
export type { IntegrityStats } from './pipeline/trail-integrity.js';
export { SIGNING_KEY_WARNING_CODE } from './pipeline/trail-integrity.js';
export { redactingSpanExporter, RedactingSpanExporter } from './pipeline/redacting-span-exporter.js';
export { toAuditEvents } from './convert/to-audit-events.js';
export type { ConversionOptions } from './convert/to-audit-events.js';
export type { SpanConverter, SpanEventBuilder } from './convert/span-converter.js';
export type { LogContentSource, SpanLogContent } from './convert/log-content-source.js';
export type { GenAiLogContentStore } from './pipeline/genai-log-content-store.js';
export type { AuditEvent, AuditEventType } from './model/audit-event.js';

// Backends.
export { secureagentics } from './backends/secureagentics/secureagentics.js';
export type { SecureagenticsOptions } from './backends/secureagentics/secureagentics.js';
export { jsonlFile } from './backends/jsonl/jsonl-file.js';
export type { JsonlFileOptions } from './backends/jsonl/jsonl-file.js';
export { agentops } from './backends/agentops/agentops.js';
export type { AgentOpsOptions } from './backends/agentops/agentops.js';
export { agenticAudit } from './backends/agentic-audit/agentic-audit.js';
export type { AgenticAuditOptions, AgenticAuditResult } from './backends/agentic-audit/agentic-audit.js';
export { agentSudo } from './backends/agentsudo/agentsudo.js';
export type { AgentSudoOptions } from './backends/agentsudo/agentsudo.js';
export type { AuditBackend } from './model/audit-backend.js';
export type { DeliveryOutcome } from './model/delivery-outcome.js';
export type { ToolDecision } from './model/tool-decision.js';

// The local audit receiver is a subpath of its own, `otel-agent-audit/receiver`
// (src/receiver/index.ts), so that loading the core does not load its server.

// Verifying a trail.
export { verifyTrail } from './chain/verify-trail.js';
export type { TrailReport } from './chain/verify-trail.js';
export { verifyTrailSource, formatTrailReport } from './chain/read-trail.js';

// Errors and defaults.
export { AuditError, isAuditError, AuditBlockedError, isAuditBlockedError } from './errors.js';
export type { AuditErrorCode } from './errors.js';
export { DEFAULTS } from './config/defaults.js';
export { CONFIG_WARNING_CODE } from './config/config-warning.js';
export { DELIVERY_WARNING_CODE } from './deliver/delivery-notices.js';
export { VERSION } from './model/version.js';
