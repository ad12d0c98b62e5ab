/**
 * Span attribute names, written by the recording helpers and read by the
 * converters. GenAI semantic-convention names where one exists (v1.37+
 * spelling); the `audit.*` namespace only for what GenAI lacks.
 */

// OpenTelemetry GenAI semantic conventions.
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Pre-v1.37 spelling of the provider; still read. */
export const GEN_AI_SYSTEM = 'gen_ai.system';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_REQUEST_PREFIX = 'gen_ai.request.';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** GenAI v1.37+: input tokens served from a provider-managed cache (part of `input_tokens`). */
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
/** GenAI v1.41+ (`cache_creation.input_tokens` before): input tokens written to the provider's cache. */
export const GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens';
/** GenAI v1.37+: output tokens spent on reasoning (part of `output_tokens`). */
export const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
/** Pre-v1.27 spellings of the token counts; still read. */
export const GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const GEN_AI_TOOL_DESCRIPTION = 'gen_ai.tool.description';
export const GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ERROR_TYPE = 'error.type';

// GenAI operation names used here.
export const OPERATION_CHAT = 'chat';
export const OPERATION_EXECUTE_TOOL = 'execute_tool';
export const OPERATION_INVOKE_AGENT = 'invoke_agent';

// Our own namespace, for what GenAI has no name for.
/** `true` on the root span of a `withSession` session. */
export const AUDIT_SESSION_ROOT = 'audit.session.root';
/** `true` once the session's `session.start` event was exported when the session began. */
export const AUDIT_SESSION_START_EXPORTED = 'audit.session.start_exported';
/** JSON payload of a `recordEvent` span event. */
export const AUDIT_EVENT_PAYLOAD = 'audit.event.payload';
/** `true` on span events written by `recordEvent` / `recordError`. */
export const AUDIT_RECORDED = 'audit.recorded';
/** `true` on spans made only to carry a `recordEvent`/`recordError` outside any span. */
export const AUDIT_CARRIER_SPAN = 'audit.carrier';

/** Verdict of the backend asked before a tool ran: `allow`, `block` or `unavailable`. */
export const AUDIT_DECISION = 'audit.decision';
/** Label of the backend instance asked (`name`, or `name#2`… for a second one of that name); it already holds this tool call's event, so the exporter does not send it there again. */
export const AUDIT_DECISION_BACKEND = 'audit.decision.backend';
/** The backend's reason, or why there was no verdict. */
export const AUDIT_DECISION_REASON = 'audit.decision.reason';
/** A verdict that arrived after the budget, while the tool ran: the backend holds the call after all. */
export const AUDIT_DECISION_LATE_VERDICT = 'audit.decision.late_verdict';
/** `open` or `closed`: what the gate did without a verdict. */
export const AUDIT_DECISION_FAIL_MODE = 'audit.decision.fail_mode';

/**
 * On a model-call span started inside another model-call span (our
 * `withLLMCall` around an instrumented client; two instrumentations of one
 * client): the outer span's id. The outer span records the call; this one
 * yields no prompt/completion/error of its own.
 */
export const AUDIT_MODEL_CALL_RECORDED_BY = 'audit.model_call.recorded_by';

/**
 * On a span of another MCP instrumentation (Traceloop's `tools/call`) that
 * is the same call an `auditMcpClient` span records: that span's id. It
 * yields no `tool_call` or `error` of its own (pipeline/mcp-tool-calls.ts).
 */
export const AUDIT_TOOL_CALL_RECORDED_BY = 'audit.tool_call.recorded_by';

/**
 * On a span an agent framework's bridge of ours writes for the framework's
 * structure, not its activity (the OpenAI Agents SDK's trace and the agent
 * its run starts with): it makes no events of its own (framework-structure.ts).
 */
export const AUDIT_FRAMEWORK_PLUMBING = 'audit.framework.plumbing';

/**
 * On a span of another instrumentation whose activity spans of ours record
 * (the OpenInference OpenAI Agents bridge's spans of a run that
 * `auditAgentsTraceProcessor` records): the instrumentation scope of ours
 * that records it. It yields no events of its own and stands for no session
 * (pipeline/agents-bridge-spans.ts).
 */
export const AUDIT_RECORDED_BY_SCOPE = 'audit.recorded_by_scope';

/** The MCP method of a span (MCP semantic conventions): `tools/call` on a tool call. */
export const MCP_METHOD_NAME = 'mcp.method.name';
/** The MCP server a tool call went to, as it names itself (`serverInfo.name`) or as the agent named it; the conventions have no name for it. */
export const AUDIT_MCP_SERVER_NAME = 'audit.mcp.server.name';

/**
 * On the exporter's view of a Vercel AI SDK outer span (`ai.generateObject`,
 * …) that failed while no span below it reported an error: the failure was
 * raised in the outer span itself (an object failing its schema), so its
 * own error is reported.
 */
export const AUDIT_ERROR_RAISED_HERE = 'audit.error.raised_here';

/** On the exporter's view of a model call reported as unfinished that ended after all: its prompt was sent then. */
export const AUDIT_MODEL_CALL_REPORTED_UNFINISHED = 'audit.model_call.reported_unfinished';

/** Name of the `custom` event `recordPermissionCheck` writes (AgentSudo's `permission_check`). */
export const PERMISSION_CHECK_EVENT = 'permission_check';

// Exception span events (OTel general conventions).
export const EXCEPTION_EVENT = 'exception';
export const EXCEPTION_TYPE = 'exception.type';
export const EXCEPTION_MESSAGE = 'exception.message';
export const EXCEPTION_STACKTRACE = 'exception.stacktrace';
/**
 * On an exception event we write: the error's `code` (Node's `ERR_…`,
 * `ECONNREFUSED`, a provider's error code). The SDK's `recordException` puts
 * the code where the type belongs (`exception.type`); ours keep the type a
 * type name and the code here (`error_code` in the audit event).
 */
export const AUDIT_ERROR_CODE = 'audit.error.code';
