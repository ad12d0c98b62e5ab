/**
 * LLM-level model calls that ended while several framework model calls were
 * open (agents running concurrently; framework-calls.ts), held until those
 * framework calls end too. Framework instrumentations describe their span
 * only at its end (OpenInference's LangChain tracer sets every attribute
 * then), and it ends after the call it wraps: only then does it say which
 * model it asked, with which messages. The held call is then matched to the
 * one candidate whose record does not contradict its own (model-call-evidence.ts);
 * with none or several left it is recorded on its own, as are the candidates.
 *
 * Until then the call's span and its candidates' spans are held back from
 * conversion, so the trail never shows a call twice and then takes it back.
 * Nothing is held for long: a candidate ends right after the call it wraps;
 * one that does not end within the unfinished-call timeout (or by shutdown)
 * is no candidate any more.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AUDIT_MODEL_CALL_RECORDED_BY } from '../model/attributes.js';
import type { SessionIdentity } from '../model/session-context.js';
import type { FrameworkCandidate } from './framework-calls.js';
import { corroborates, modelCallEvidence, onlyConsistent, type ModelCallEvidence } from './model-call-evidence.js';
import { withAttribute } from './span-view.js';

/** Where a span ran: the session and the agent it belongs to. */
export interface CallPlace {
  readonly session: SessionIdentity | undefined;
  readonly agent: string | undefined;
}

/** An ended framework call: its place, and its span once it came through {@link UndecidedFrameworkCalls.settle}. */
interface EndedCandidate {
  readonly place: CallPlace;
  view: ReadableSpan | undefined;
  /** What its view says of its call, read once (a conversion) however many calls weigh it. */
  evidence?: ModelCallEvidence;
}

interface UndecidedCall {
  readonly since: number;
  readonly place: CallPlace;
  /** The call's span, once settled (right after it ended). */
  view: ReadableSpan | undefined;
  /** Framework call id → undefined while open, its record once ended. */
  readonly candidates: Map<string, EndedCandidate | undefined>;
  /** Candidates that started after the call: one of them is it only if what both record agrees. */
  readonly startedAfter: ReadonlySet<string>;
}

/** How many calls may wait at once; past it the oldest is decided with what has ended. */
const MAX_UNDECIDED = 1024;

/**
 * `join(call, callPlace, frameworkPlace)`: the call's span as it records the
 * framework call (in the framework call's session, under its agent).
 */
export type JoinCall = (call: ReadableSpan, own: CallPlace, framework: CallPlace) => ReadableSpan;

export class UndecidedFrameworkCalls {
  private readonly calls = new Map<string, UndecidedCall>();
  /** Candidates that ended, by id, until no undecided call waits for them. */
  private readonly ended = new Map<string, EndedCandidate>();

  constructor(private readonly join: JoinCall) {}

  /** The LLM-level call `callId` ended with several `candidates` open: it waits for them. Returns calls decided to make room. */
  wait(callId: string, candidates: readonly FrameworkCandidate[], place: CallPlace): ReadableSpan[] {
    this.calls.set(callId, {
      since: Date.now(),
      place,
      view: undefined,
      candidates: new Map(candidates.map(({ id }) => [id, undefined])),
      startedAfter: new Set(candidates.filter((c) => !c.startedBefore).map(({ id }) => id)),
    });
    if (this.calls.size <= MAX_UNDECIDED) return [];
    const [oldest] = this.calls.keys();
    return oldest === undefined ? [] : this.decide(oldest);
  }

  /** Whether an undecided call waits for the framework call `spanId`. */
  isWaitedFor(spanId: string): boolean {
    for (const call of this.calls.values()) if (call.candidates.has(spanId)) return true;
    return false;
  }

  /** A framework call some call waits for ended, in `place`; its span follows through {@link settle}. */
  candidateEnded(spanId: string, place: CallPlace): void {
    const record: EndedCandidate = { place, view: undefined };
    this.ended.set(spanId, record);
    for (const call of this.calls.values()) if (call.candidates.has(spanId)) call.candidates.set(spanId, record);
  }

  /**
   * A span that just ended, as it would be converted: what to convert now —
   * the span itself when nothing waits on it, else nothing yet; and whatever
   * its end let be decided.
   */
  settle(view: ReadableSpan): ReadableSpan[] {
    const id = view.spanContext().spanId;
    const call = this.calls.get(id);
    if (call !== undefined) {
      call.view = view;
      return this.decideReady();
    }
    const candidate = this.ended.get(id);
    if (candidate === undefined) return [view];
    // Matched meanwhile by a call that saw it as the only one open: it is no candidate of the others.
    if (view.attributes[AUDIT_MODEL_CALL_RECORDED_BY] !== undefined) {
      this.drop(id);
      return [view, ...this.decideReady()];
    }
    candidate.view = view;
    return this.decideReady();
  }

  /** A framework call given up (never ended, or forgotten): no candidate any more. */
  forgotten(spanId: string): ReadableSpan[] {
    if (!this.isWaitedFor(spanId)) return [];
    this.drop(spanId);
    return this.decideReady();
  }

  /** Decides the calls waiting since before `cutoff` (ms) with what has ended. */
  overdue(cutoff: number): ReadableSpan[] {
    const due = [...this.calls].filter(([, call]) => call.since < cutoff).map(([id]) => id);
    return due.flatMap((id) => this.decide(id));
  }

  /** Whether any call waits. */
  get waiting(): boolean {
    return this.calls.size > 0;
  }

  /** Decides every call now (shutdown). */
  all(): ReadableSpan[] {
    return [...this.calls.keys()].flatMap((id) => this.decide(id));
  }

  /** Removes `spanId` from every call's candidates. */
  private drop(spanId: string): void {
    this.ended.delete(spanId);
    for (const call of this.calls.values()) call.candidates.delete(spanId);
  }

  /** Decides, repeatedly, every settled call whose candidates have all ended and come through. */
  private decideReady(): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const [id, call] of this.calls) {
        if (call.view === undefined || [...call.candidates.values()].some((c) => c?.view === undefined)) continue;
        out.push(...this.decide(id));
        progressed = true;
        break; // the map changed
      }
    }
    return out;
  }

  /**
   * Matches the call `id` to the one candidate that came through and does not
   * contradict it, or to none; releases it and the candidates no other call
   * waits for.
   */
  private decide(id: string): ReadableSpan[] {
    const call = this.calls.get(id);
    if (call === undefined) return [];
    this.calls.delete(id);
    const out: ReadableSpan[] = [];
    const ended = [...call.candidates].filter((entry): entry is [string, EndedCandidate & { view: ReadableSpan }] => entry[1]?.view !== undefined);
    const own = call.view === undefined ? undefined : modelCallEvidence(call.view);
    const evidenceOf = ([, c]: [string, EndedCandidate & { view: ReadableSpan }]) => (c.evidence ??= modelCallEvidence(c.view));
    const possible = own === undefined ? [] : ended.filter((entry) => !call.startedAfter.has(entry[0]) || corroborates(own, evidenceOf(entry)));
    const match = own === undefined ? undefined : onlyConsistent(own, possible, evidenceOf);
    if (call.view !== undefined) out.push(match === undefined ? call.view : this.join(call.view, call.place, match[1].place));
    if (match !== undefined) {
      match[1].view = withAttribute(match[1].view, AUDIT_MODEL_CALL_RECORDED_BY, id);
      // Taken: no other call can be it.
      for (const other of this.calls.values()) other.candidates.delete(match[0]);
    }
    for (const [candidateId, candidate] of ended) {
      if (this.isWaitedFor(candidateId)) continue;
      this.ended.delete(candidateId);
      out.push(candidate.view);
    }
    return out;
  }
}
