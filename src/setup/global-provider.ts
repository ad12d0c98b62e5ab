import { context, propagation, ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * True when some tracer provider is already registered globally (by the app,
 * `NodeSDK`, or an APM agent). The API always hands out a proxy; it is unset
 * while its delegate is the API's shared no-op provider.
 */
export function globalTracerProviderExists(): boolean {
  const provider = trace.getTracerProvider();
  if (!(provider instanceof ProxyTracerProvider)) return true;
  const delegate = provider.getDelegate();
  const noop = new ProxyTracerProvider().getDelegate();
  return delegate !== noop && delegate.constructor.name !== noop.constructor.name;
}

/**
 * Registers `provider` as the global tracer provider, with what SDK 2.x's
 * `NodeTracerProvider.register()` set beside it: an AsyncLocalStorage context
 * manager (so the active span follows awaits) and the W3C trace-context and
 * baggage propagators. `@opentelemetry/sdk-trace` — the one tracing package
 * of both SDK lines (2.9+ and 3.x) — has no `register()`, so it is done here,
 * through the API the app shares. A context manager or propagator the app
 * set already is kept: the API refuses a second one (and says so through
 * diag, as it did for `register()`). Returns false when the API refused the
 * provider (another API version registered first): then nothing the global
 * API makes reaches it.
 */
export function registerGlobally(provider: TracerProvider): boolean {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  return trace.setGlobalTracerProvider(provider);
}
