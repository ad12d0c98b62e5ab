/**
 * What the recording helpers may write on a span, handed to them by the
 * audit span processors of the span's provider: each stamps its policy on the
 * span in `onStart`, before the helper writes anything. The helpers therefore
 * read no process-wide switch: spans of a provider without an audit processor
 * follow the environment's defaults, and two providers never see each other's
 * settings.
 */
import type { ToolGate } from './tool-gate.js';

/** The settings the recording helpers follow for one span. */
export interface RecordingPolicy {
  /** Whether message content (prompts, completions, tool arguments and results) is written at all. */
  readonly captureContent: boolean;
  /** Longest text kept per message part, tool argument or result; longer is cut with a marker. */
  readonly maxContentLength: number;
  /** The gate `withToolCall` passes before its tool runs, unless the call brings its own. */
  readonly toolGate: ToolGate | undefined;
}

// Symbol.for: the ESM and CommonJS builds, if both are loaded, read one another's stamp.
const POLICY = Symbol.for('otel-agent-audit.recording-policy.v1');

type Stamped = { [POLICY]?: RecordingPolicy };

/**
 * Adds `policy` to what `span` already carries. Several audit processors on
 * one provider combine to the strictest: no content if any forbids it, the
 * shortest limit, and the first processor's tool gate.
 */
export function stampRecordingPolicy(span: object, policy: RecordingPolicy): void {
  const stamped = span as Stamped;
  const earlier = stamped[POLICY];
  stamped[POLICY] =
    earlier === undefined
      ? policy
      : {
          captureContent: earlier.captureContent && policy.captureContent,
          maxContentLength: Math.min(earlier.maxContentLength, policy.maxContentLength),
          toolGate: earlier.toolGate ?? policy.toolGate,
        };
}

/** The policy stamped on `span`, or undefined when no audit processor saw it start. */
export function stampedRecordingPolicy(span: object): RecordingPolicy | undefined {
  try {
    return (span as Stamped)[POLICY];
  } catch {
    return undefined; // a span wrapped in a proxy that refuses reads
  }
}
