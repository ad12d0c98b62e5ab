import {
  context,
  createContextKey,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapPropagator,
  type TextMapSetter,
  type TracerProvider,
} from '@opentelemetry/api';
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

/** What {@link registerGlobally} set, and how to take it out again. */
export interface GlobalRegistration {
  /** False when the API refused the provider (another API version registered first): nothing the global API makes reaches it. */
  readonly registered: boolean;
  /**
   * Takes out of the global API what this registration put there and that is
   * still its own — the provider, the context manager, the propagator — so
   * that a later setup can register again. What the app set since is kept.
   */
  unregister(): void;
}

/**
 * Registers `provider` as the global tracer provider, with what SDK 2.x's
 * `NodeTracerProvider.register()` set beside it: an AsyncLocalStorage context
 * manager (so the active span follows awaits) and the W3C trace-context and
 * baggage propagators. `@opentelemetry/sdk-trace` — the one tracing package
 * of both SDK lines (2.9+ and 3.x) — has no `register()`, so it is done here,
 * through the API the app shares. A context manager or propagator the app
 * set already is kept, and ours is then not offered (the API would refuse it
 * with a diag error, as it did for `register()`).
 */
export function registerGlobally(provider: TracerProvider): GlobalRegistration {
  const manager = contextManagerExists() ? undefined : new AsyncLocalStorageContextManager().enable();
  const ownManager = manager !== undefined && context.setGlobalContextManager(manager);
  if (manager !== undefined && !ownManager) manager.disable();
  const propagator = propagation.fields().length > 0 ? undefined : new OwnedPropagator();
  const ownPropagator = propagator !== undefined && propagation.setGlobalPropagator(propagator);
  const registered = trace.setGlobalTracerProvider(provider);
  let done = false;
  return {
    registered,
    unregister() {
      if (done) return;
      done = true;
      if (registered && isGlobalProvider(provider)) trace.disable();
      if (ownManager && isGlobalContextManager(manager)) context.disable();
      if (ownPropagator && propagator.isGlobal()) propagation.disable();
    },
  };
}

function isGlobalProvider(provider: TracerProvider): boolean {
  const global = trace.getTracerProvider();
  return global instanceof ProxyTracerProvider && global.getDelegate() === provider;
}

const PROBE = createContextKey('otel-agent-audit.context-probe');

/** True when the API has a context manager: without one, `context.with` runs the function in the root context. */
function contextManagerExists(): boolean {
  return context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
}

/** True when `manager` is the one the global API delegates to: a context it makes active is the API's active one. */
function isGlobalContextManager(manager: AsyncLocalStorageContextManager): boolean {
  const probe = ROOT_CONTEXT.setValue(PROBE, manager);
  return manager.with(probe, () => context.active() === probe);
}

/**
 * The W3C trace-context and baggage propagators, able to tell whether the
 * global API still delegates to them (the API offers no getter): an inject
 * into its own probe carrier reaches only the propagator that is global.
 */
class OwnedPropagator implements TextMapPropagator {
  private readonly inner = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  private readonly probe = {};
  private probed = false;

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    if (carrier === this.probe) this.probed = true;
    else this.inner.inject(ctx, carrier, setter);
  }

  extract(ctx: Context, carrier: unknown, getter: Parameters<TextMapPropagator['extract']>[2]): Context {
    return this.inner.extract(ctx, carrier, getter);
  }

  fields(): string[] {
    return this.inner.fields();
  }

  isGlobal(): boolean {
    this.probed = false;
    propagation.inject(ROOT_CONTEXT, this.probe);
    return this.probed;
  }
}
