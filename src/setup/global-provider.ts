import { ProxyTracerProvider, trace } from '@opentelemetry/api';

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
