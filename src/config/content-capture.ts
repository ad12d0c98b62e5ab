/**
 * Whether message content (prompts, completions, tool arguments and results)
 * leaves the process at all. Metadata (model, tokens, tool names, timing,
 * errors) always does. The default comes from
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (the variable the OTel
 * GenAI instrumentations read), else on, because an audit trail is kept to
 * show what the agent said and did. Each exporter may set its own
 * (`captureContent` option); the recording helpers follow the most
 * restrictive exporter alive, so content one of them must not ship is never
 * written on spans.
 */
import { DEFAULTS } from './defaults.js';
import { readEnv } from './env.js';

let envDefault: boolean | undefined;
/** The setting of each live exporter, by exporter. */
const policies = new Map<object, boolean>();

/** The default when nothing says otherwise: env, else on. */
export function defaultCaptureContent(): boolean {
  envDefault ??= readEnv().captureMessageContent ?? DEFAULTS.captureContent;
  return envDefault;
}

/** The helpers' answer, recomputed when an exporter comes or goes (read on every helper call). */
let helpersCapture: boolean | undefined;

/** Whether the recording helpers write content: false if any live exporter forbids it. */
export function captureContent(): boolean {
  helpersCapture ??= policies.size === 0 ? defaultCaptureContent() : [...policies.values()].every(Boolean);
  return helpersCapture;
}

/** An exporter's setting, from its construction until `releaseContentPolicy`. */
export function setContentPolicy(owner: object, capture: boolean): void {
  policies.set(owner, capture);
  helpersCapture = undefined;
}

export function releaseContentPolicy(owner: object): void {
  policies.delete(owner);
  helpersCapture = undefined;
}
