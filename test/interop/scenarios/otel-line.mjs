// What the scenarios need of the OpenTelemetry SDK, written once for both
// lines, so the same scenario runs in this repository (SDK 2.x) and in an app
// installed on the newest line (SDK 3.x, INTEROP_APP_DIR). `@opentelemetry/sdk-trace`
// is the tracing package of both (2.9+ and 3.x); its TracerProvider has no
// register(), so the globals NodeTracerProvider.register() set are set here.
// The logs API is `@opentelemetry/api-logs` on API 1.9 and part of the API from 1.10.
import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';

/** A tracer provider with `spanProcessors`, registered globally with context and W3C propagation. */
export function registeredTracerProvider(spanProcessors) {
  const provider = new TracerProvider({ spanProcessors });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  api.trace.setGlobalTracerProvider(provider);
  return provider;
}

/** The global logs API of the line the app has. */
export const logs = api.logs ?? (await import('@opentelemetry/api-logs')).logs;
