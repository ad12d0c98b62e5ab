import { ProxyTracerProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { OPENAI_AGENTS_TRACER_NAME, TRACER_NAME, VERSION } from '../model/version.js';

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;
let cachedAgents: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * The tracer the helpers record with. Looked up on the global API, and cached
 * per registered provider, so a provider registered (or replaced) after
 * import is honoured without a lookup on every call.
 *
 * @example
 * auditTracer().startActiveSpan('execute_tool search', options, parent, run);
 */
export function auditTracer(): Tracer {
  const global = trace.getTracerProvider();
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (cached?.provider !== provider) cached = { provider, tracer: provider.getTracer(TRACER_NAME, VERSION) };
  return cached.tracer;
}

/**
 * The tracer `auditAgentsTraceProcessor` writes the OpenAI Agents SDK's
 * spans with: a scope of its own (`otel-agent-audit/openai-agents`), so the
 * pipeline reads them as a framework's spans, not as our helpers'. Cached
 * per registered provider, as {@link auditTracer}.
 *
 * @example
 * agentsTracer().startSpan('chat gpt-4o-mini', options, parent);
 */
export function agentsTracer(): Tracer {
  const global = trace.getTracerProvider();
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (cachedAgents?.provider !== provider) cachedAgents = { provider, tracer: provider.getTracer(OPENAI_AGENTS_TRACER_NAME, VERSION) };
  return cachedAgents.tracer;
}
