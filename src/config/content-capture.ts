/**
 * Whether message content (prompts, completions, tool arguments and results)
 * leaves the process at all. Metadata (model, tokens, tool names, timing,
 * errors) always does. Read once from `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
 * (the variable the OTel GenAI instrumentations read), overridable by the
 * `captureContent` option; default on, because an audit trail is kept to show
 * what the agent said and did.
 */
import { DEFAULTS } from './defaults.js';
import { readEnv } from './env.js';

let capture: boolean | undefined;

/** Current setting, for the recording helpers and the exporter. */
export function captureContent(): boolean {
  capture ??= readEnv().captureMessageContent ?? DEFAULTS.captureContent;
  return capture;
}

/** Sets it for every helper call and export from now on (the `captureContent` option). */
export function setCaptureContent(value: boolean): void {
  capture = value;
}
