/**
 * This package's version; a test keeps it equal to package.json's.
 *
 * @example
 * console.log(`otel-agent-audit ${VERSION}`);
 */
export const VERSION = '0.1.0';
/** Instrumentation scope of the spans the recording helpers make. */
export const TRACER_NAME = 'otel-agent-audit';
/**
 * Instrumentation scope of the spans `auditAgentsTraceProcessor` writes for
 * the OpenAI Agents SDK: a scope of their own, since the pipeline reads them
 * as a framework's spans (framework-calls.ts), not as our helpers' spans.
 */
export const OPENAI_AGENTS_TRACER_NAME = 'otel-agent-audit/openai-agents';
