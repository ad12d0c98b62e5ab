/**
 * The recording policy a helper follows for one span: the one the span's
 * audit span processors stamped on it when it started, else the strictest of
 * the live audit pipelines, else the environment's defaults. Content is
 * written only after the span started, because only then is the stamp there.
 */
import type { Span } from '@opentelemetry/api';
import { defaultRecordingPolicy } from '../config/recording-defaults.js';
import { liveRecordingPolicies, stampedRecordingPolicy, type RecordingPolicy } from '../model/recording-policy.js';

/**
 * The policy stamped on `span`, else the strictest live pipeline's, else the environment's.
 *
 * @example
 * const { captureContent, maxContentLength } = policyOf(span);
 */
export function policyOf(span: Span): RecordingPolicy {
  return stampedRecordingPolicy(span) ?? liveRecordingPolicies().strictest() ?? defaultRecordingPolicy();
}
