/**
 * The recording policy of spans no audit span processor saw start (the
 * helpers used beside another exporter only): the environment's settings,
 * read once, else the defaults.
 */
import type { RecordingPolicy } from '../model/recording-policy.js';
import { readConfig } from './env.js';

let fromEnvironment: RecordingPolicy | undefined;

/** Content capture and limit from `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` / `OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH`; no tool gate. */
export function defaultRecordingPolicy(): RecordingPolicy {
  fromEnvironment ??= Object.freeze({
    captureContent: readConfig().captureContent,
    maxContentLength: readConfig().maxContentLength,
    toolGate: undefined,
  });
  return fromEnvironment;
}
