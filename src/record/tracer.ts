import { trace, type Tracer } from '@opentelemetry/api';
import { TRACER_NAME, VERSION } from '../version.js';

/**
 * The tracer the helpers record with, looked up per call on the global API so
 * a provider registered (or replaced) after import is honoured.
 */
export function auditTracer(): Tracer {
  return trace.getTracer(TRACER_NAME, VERSION);
}
