/**
 * What the recording helpers may write on a span. The audit span processors
 * of the span's provider stamp their policy on it in `onStart`, before the
 * helper writes anything, so two providers never see each other's settings.
 *
 * A span no audit processor saw start (its provider has none, the sampler
 * dropped it, or `setupAudit` found another provider registered) falls back
 * to the strictest policy of the audit pipelines alive in the process: a
 * setting that forbids content or gates tools must not be escaped by taking
 * another path. Such a span cannot tell which provider made it (an unsampled
 * span never reaches any processor), so with pipelines on two providers an
 * unsampled span of one is held to the other's settings too: stricter, never
 * looser. Only with no pipeline alive do the environment's defaults apply.
 *
 * A pipeline counts from when its construction succeeded until it is shut
 * down, or, dropped without shutdown, until it is garbage-collected.
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
  stamped[POLICY] = earlier === undefined || earlier === policy ? policy : strictest(earlier, policy);
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

/** Whether `a` and `b` say the same (the tool gate compared by identity). */
function samePolicy(a: RecordingPolicy, b: RecordingPolicy): boolean {
  return a.captureContent === b.captureContent && a.maxContentLength === b.maxContentLength && a.toolGate === b.toolGate;
}

/** One owner's registration; holds nothing of the owner, so the owner can be collected. */
interface Entry {
  readonly policy: RecordingPolicy;
}

/**
 * The policies of the audit pipelines alive now, by owner; see the module
 * comment. Owners are held weakly: a pipeline the app dropped without
 * `shutdown()` is not kept in memory by being registered, and its policy
 * stops counting once it is collected. Nothing here is on the per-span path
 * but {@link strictest}, a cached field read.
 */
export class LiveRecordingPolicies {
  private readonly entries = new Set<Entry>();
  private readonly byOwner = new WeakMap<object, Entry>();
  private readonly collected = new FinalizationRegistry<Entry>((entry) => this.forget(entry));
  private combined: RecordingPolicy | undefined;

  /**
   * `owner`'s policy counts from now until {@link remove} (or until `owner` is
   * collected), in place of any it registered before. Returns the policy to
   * stamp: a live one that says the same, if there is one, so that pipelines
   * of equal settings share one object and {@link strictest} can be compared
   * by identity.
   */
  add(owner: object, policy: RecordingPolicy): RecordingPolicy {
    this.remove(owner);
    let shared = policy;
    for (const entry of this.entries) {
      if (samePolicy(entry.policy, policy)) {
        shared = entry.policy;
        break;
      }
    }
    const entry: Entry = { policy: shared };
    this.entries.add(entry);
    this.byOwner.set(owner, entry);
    this.collected.register(owner, entry, owner);
    this.combined = undefined;
    return shared;
  }

  remove(owner: object): void {
    const entry = this.byOwner.get(owner);
    if (entry === undefined) return;
    this.byOwner.delete(owner);
    this.collected.unregister(owner);
    this.forget(entry);
  }

  /** How many pipelines count now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The strictest live policy, or undefined with none alive. When every live
   * pipeline has the same policy (one pipeline, the usual case) it is that
   * registered object itself; otherwise a combined one. Cached until a
   * policy comes or goes: this runs for every span.
   */
  strictest(): RecordingPolicy | undefined {
    if (this.combined === undefined && this.entries.size > 0) {
      let combined: RecordingPolicy | undefined;
      for (const { policy } of this.entries) combined = combined === undefined || combined === policy ? policy : strictest(combined, policy);
      this.combined = combined;
    }
    return this.combined;
  }

  private forget(entry: Entry): void {
    if (this.entries.delete(entry)) this.combined = undefined;
  }
}

// One per process, shared by the ESM and CommonJS builds if both are loaded
// (a processor from one, the helpers from the other). v2: `add` returns the
// policy to stamp, so a v1 registry of an older copy must not be taken for one.
const LIVE = Symbol.for('otel-agent-audit.live-recording-policies.v2');

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
