import { context, trace, type Attributes, type Span } from '@opentelemetry/api';
import {
  AUDIT_CARRIER_SPAN,
  AUDIT_EVENT_PAYLOAD,
  AUDIT_RECORDED,
  EXCEPTION_EVENT,
} from '../model/attributes.js';
import { auditNow } from '../model/clock.js';
import { exceptionAttributes } from '../model/exception-attributes.js';
import { toSafeJson } from '../model/safe-json.js';
import { policyOf } from './policy-of.js';
import { attributesOption, requiredText } from './read-input.js';
import { RecordingProblems } from './recording-problems.js';
import { auditTracer } from './tracer.js';

/** The name a `recordEvent` event gets when its name is missing or not text. */
const UNNAMED_EVENT = 'unnamed';

/**
 * Records an error the agent handled (it did not fail the current step) as an
 * `exception` event on the active span, which becomes an `error` audit event.
 * The span's status is left alone. Outside any span, a short span is made to
 * carry it, so the error is never lost. Never throws: a value that cannot be
 * read (a revoked proxy, a throwing `message` getter) is still recorded, as
 * an error whose message says it could not be read; attributes that cannot
 * be read are left out. Either is marked by an `audit.recording.problem` event.
 *
 * @example
 * try { await fetchWeather(); } catch (err) { recordError(err, { 'tool.fallback': 'cache' }); }
 */
export function recordError(error: unknown, attributes?: Attributes): void {
  try {
    const problems = new RecordingProblems('recordError');
    const eventAttributes: Attributes = {
      ...attributesOption(attributes, 'attributes', problems),
      ...errorAttributes(error, problems),
      [AUDIT_RECORDED]: true,
    };
    onActiveSpan('audit.error', (span) => {
      span.addEvent(EXCEPTION_EVENT, eventAttributes, auditNow());
      problems.bind(span);
    });
  } catch {
    // Recording is best effort; it must never throw into the agent.
  }
}

function errorAttributes(error: unknown, problems: RecordingProblems): Attributes {
  const { attributes, unreadable } = exceptionAttributes(error);
  if (unreadable !== undefined) problems.note('error', 'reading it threw', unreadable);
  return attributes;
}

/**
 * Records a `custom` audit event named `name` on the active span. `payload`
 * is kept as JSON, cut past the span's content limit keeping its type.
 * Outside any span, a short span is made to carry it. Never throws: a name
 * that is not text is recorded as `unnamed`, and marked by an
 * `audit.recording.problem` event.
 *
 * @example
 * recordEvent('handoff', { to: 'billing-agent', reason: 'refund request' });
 */
export function recordEvent(name: string, payload: unknown = {}): void {
  try {
    recordCustomEvent(name, payload, new RecordingProblems('recordEvent'));
  } catch {
    // Recording is best effort; it must never throw into the agent.
  }
}

/**
 * {@link recordEvent} for helpers built on it, whose own problems go on the
 * same span.
 *
 * @example
 * recordCustomEvent(PERMISSION_CHECK_EVENT, data, problems);
 */
export function recordCustomEvent(name: unknown, payload: unknown, problems: RecordingProblems): void {
  const eventName = requiredText(name, 'name', problems) ?? UNNAMED_EVENT;
  onActiveSpan(`audit.event ${eventName}`, (span) => {
    const json = toSafeJson(payload, policyOf(span).maxContentLength);
    span.addEvent(eventName, { [AUDIT_EVENT_PAYLOAD]: json, [AUDIT_RECORDED]: true }, auditNow());
    problems.bind(span);
  });
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
