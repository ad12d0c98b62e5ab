/**
 * The one clock every time on our spans comes from. The SDK anchors each
 * span on a millisecond `Date.now()`, which puts events of different spans
 * out of order within a millisecond; a bare `performance` clock orders them
 * but drifts from wall time (it stops during suspend and ignores NTP). This
 * clock is `performance.now()` plus an offset to wall time that is re-checked
 * once a second and moved when it is off by more than a millisecond.
 */
import type { HrTime } from '@opentelemetry/api';

const RECHECK_MILLIS = 1_000;
const TOLERANCE_MILLIS = 1;

let offsetMillis = Date.now() - performance.now();
let checkedAt = performance.now();

/** Now, as wall-clock epoch time with sub-millisecond resolution. */
export function auditNow(): HrTime {
  const perf = performance.now();
  if (perf - checkedAt > RECHECK_MILLIS) {
    checkedAt = perf;
    const offset = Date.now() - perf;
    if (Math.abs(offset - offsetMillis) > TOLERANCE_MILLIS) offsetMillis = offset;
  }
  const millis = perf + offsetMillis;
  const seconds = Math.floor(millis / 1000);
  // Floor, not round: rounding 999.9999999 ms up to 1e9 ns would wrap to the
  // start of the same second. Clamped against floating-point error.
  const nanos = Math.min(999_999_999, Math.max(0, Math.floor((millis - seconds * 1000) * 1e6)));
  return [seconds, nanos];
}
