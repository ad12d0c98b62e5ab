import { context, trace, type Attributes, type Span } from '@opentelemetry/api';
import {
  AUDIT_CARRIER_SPAN,
  AUDIT_EVENT_PAYLOAD,
  AUDIT_RECORDED,
  EXCEPTION_EVENT,
  EXCEPTION_MESSAGE,
  EXCEPTION_STACKTRACE,
  EXCEPTION_TYPE,
} from '../model/attributes.js';
import { auditNow } from '../model/clock.js';
import { errorMessage, errorType } from './run-in-span.js';
import { toSafeJson } from '../model/safe-json.js';
import { auditTracer } from './tracer.js';

/**
 * Records an error the agent handled (it did not fail the current step) as an
 * `exception` event on the active span, which becomes an `error` audit event.
 * The span's status is left alone. Outside any span, a short span is made to
 * carry it, so the error is never lost.
 *
 * @example
 * try { await fetchWeather(); } catch (err) { recordError(err, { 'tool.fallback': 'cache' }); }
 */
export function recordError(error: unknown, attributes?: Attributes): void {
  try {
    const eventAttributes: Attributes = {
      ...attributes,
      [EXCEPTION_TYPE]: errorType(error),
      [EXCEPTION_MESSAGE]: errorMessage(error),
      [AUDIT_RECORDED]: true,
    };
    const stack = error instanceof Error ? error.stack : undefined;
    if (stack) eventAttributes[EXCEPTION_STACKTRACE] = stack;
    onActiveSpan('audit.error', (span) => span.addEvent(EXCEPTION_EVENT, eventAttributes, auditNow()));
  } catch {
    // Recording is best effort; it must never throw into the agent.
  }
}

/**
 * Records a `custom` audit event named `name` on the active span. `payload`
 * is kept as JSON (truncated past the content limit). Outside any span, a
 * short span is made to carry it.
 *
 * @example
 * recordEvent('handoff', { to: 'billing-agent', reason: 'refund request' });
 */
export function recordEvent(name: string, payload: unknown = {}): void {
  try {
    const attributes: Attributes = { [AUDIT_EVENT_PAYLOAD]: toSafeJson(payload), [AUDIT_RECORDED]: true };
    onActiveSpan(`audit.event ${name}`, (span) => span.addEvent(name, attributes, auditNow()));
  } catch {
    // Recording is best effort; it must never throw into the agent.
  }
}

function onActiveSpan(carrierName: string, write: (span: Span) => void): void {
  const active = trace.getActiveSpan();
  if (active?.isRecording()) {
    write(active);
    return;
  }
  const carrier = auditTracer().startSpan(carrierName, { attributes: { [AUDIT_CARRIER_SPAN]: true }, startTime: auditNow() }, context.active());
  write(carrier);
  carrier.end(auditNow());
}
