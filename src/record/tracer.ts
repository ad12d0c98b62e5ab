import { ProxyTracerProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { TRACER_NAME, VERSION } from '../model/version.js';

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

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
