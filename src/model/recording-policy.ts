/**
 * What the recording helpers may write on a span. The audit span processors
 * of the span's provider stamp their policy on it in `onStart`, before the
 * helper writes anything, so two providers never see each other's settings.
 *
 * A span no audit processor saw start (its provider has none, the sampler
 * dropped it, or `setupAudit` found another provider registered) falls back
 * to the strictest policy of the audit pipelines alive in the process: a
 * setting that forbids content or gates tools must not be escaped by taking
 * another path. Only with no pipeline alive do the environment's defaults apply.
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
  try {
    stamp(span as Stamped, policy);
  } catch {
    // A frozen or proxied span takes no stamp: its helpers follow the environment's defaults.
  }
}

function stamp(stamped: Stamped, policy: RecordingPolicy): void {
  const earlier = stamped[POLICY];
  stamped[POLICY] = earlier === undefined ? policy : strictest(earlier, policy);
}

/**
 * The stricter of two policies: no content if either forbids it, the shorter
 * limit, and of two tool gates the one that refuses tools without a verdict
 * (`failMode: 'closed'`), else the first.
 */
export function strictest(a: RecordingPolicy, b: RecordingPolicy): RecordingPolicy {
  const gate = a.toolGate === undefined || (b.toolGate?.failMode === 'closed' && a.toolGate.failMode === 'open') ? (b.toolGate ?? a.toolGate) : a.toolGate;
  return {
    captureContent: a.captureContent && b.captureContent,
    maxContentLength: Math.min(a.maxContentLength, b.maxContentLength),
    toolGate: gate,
  };
}

/** The policies of the audit pipelines alive now, by owner; see the module comment. */
export class LiveRecordingPolicies {
  private readonly policies = new Map<object, RecordingPolicy>();
  private combined: RecordingPolicy | undefined;

  /** `owner`'s policy counts from now until {@link remove}. */
  add(owner: object, policy: RecordingPolicy): void {
    this.policies.set(owner, policy);
    this.combined = undefined;
  }

  remove(owner: object): void {
    if (this.policies.delete(owner)) this.combined = undefined;
  }

  /** The strictest live policy (cached until one comes or goes), or undefined with none alive. */
  strictest(): RecordingPolicy | undefined {
    if (this.combined === undefined && this.policies.size > 0) {
      let combined: RecordingPolicy | undefined;
      for (const policy of this.policies.values()) combined = combined === undefined ? policy : strictest(combined, policy);
      this.combined = combined;
    }
    return this.combined;
  }
}

// One per process, shared by the ESM and CommonJS builds if both are loaded
// (a processor from one, the helpers from the other).
const LIVE = Symbol.for('otel-agent-audit.live-recording-policies.v1');

/** The process's {@link LiveRecordingPolicies}: pipelines register here, helpers read it for unstamped spans. */
export function liveRecordingPolicies(): LiveRecordingPolicies {
  const holder = globalThis as { [LIVE]?: LiveRecordingPolicies };
  return (holder[LIVE] ??= new LiveRecordingPolicies());
}

/** The policy stamped on `span`, or undefined when no audit processor saw it start. */
export function stampedRecordingPolicy(span: object): RecordingPolicy | undefined {
  try {
    return (span as Stamped)[POLICY];
  } catch {
    return undefined; // a span wrapped in a proxy that refuses reads
  }
}
