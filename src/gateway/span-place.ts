/**
 * Where a finished span stood while it ran, as the gateway works it out:
 * what the audit span processor keeps per open span (`OpenSpan` in
 * pipeline/model-call-tracker.ts), for a span that has ended.
 */
import type { SessionIdentity } from '../model/session-context.js';

/** What a span passes on to the spans under it, and the session it started in. */
export interface SpanPlace {
  /** The session its children are in (a framework run's own, or the one it is in). */
  readonly session: SessionIdentity | undefined;
  /** The agent acting for its children: the one it names, else its parent's. */
  readonly agent: string | undefined;
  /** The outermost model call it is part of (its own id when it is that call). */
  readonly call: string | undefined;
  /** The session it started in, and the agent acting there (its parent's): what the processor stamps at its start. */
  readonly startedIn: SessionIdentity | undefined;
  readonly startAgent: string | undefined;
  /** A framework's run outside any session, made the session's root here (the processor's `runSession`). */
  readonly runRoot: boolean;
}
