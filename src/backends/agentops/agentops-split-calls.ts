/**
 * What one AgentOps session knows of its LLM calls whose prompt and
 * completion went in different batches (audit-apis.md §2: one call = one
 * `llm` event). A half is `attempted` from the moment a request carrying it
 * is sent until the service confirms its batch: an answer lost to a timeout
 * or a proxy leaves it `attempted`, because the service may have stored it.
 * Bounded: past `capacity` calls the oldest is forgotten, and from then on a
 * call this session knows nothing of is treated as possibly half stored.
 */

/** One half of an LLM call. */
export type LlmHalf = 'prompt' | 'completion';

/** `attempted`: sent, outcome unknown or failed (it may be stored); `sent`: the service confirmed it. */
export type HalfProgress = 'attempted' | 'sent';

/** What is known of one split call. */
export interface SplitCallProgress {
  prompt?: HalfProgress;
  completion?: HalfProgress;
  /** The call failed: no completion will come. */
  failed?: boolean;
}

const NOTHING_YET: Readonly<SplitCallProgress> = Object.freeze({});

/**
 * The split LLM calls of one session, keyed by trace and span id.
 *
 * @example
 * const calls = new SplitLlmCalls(128);
 * calls.attempting(key, 'prompt'); // before the request goes
 * calls.confirmed(key, 'prompt'); // once its batch was delivered
 * calls.progress(key); // { prompt: 'sent' }: the completion updates the event
 */
export class SplitLlmCalls {
  private readonly calls = new Map<string, SplitCallProgress>();
  /** Set once a call was forgotten: "nothing known" no longer means "nothing sent". */
  private forgotOne = false;

  constructor(private readonly capacity: number) {}

  /** Calls remembered now (at most `capacity`). */
  get size(): number {
    return this.calls.size;
  }

  /** What is known of call `key`; `'unknown'` when it may have been forgotten. */
  progress(key: string): Readonly<SplitCallProgress> | 'unknown' {
    return this.calls.get(key) ?? (this.forgotOne ? 'unknown' : NOTHING_YET);
  }

  /** A request carrying `half` of call `key` is about to go. */
  attempting(key: string, half: LlmHalf): void {
    const call = this.entry(key);
    if (call[half] !== 'sent') call[half] = 'attempted';
  }

  /** The batch carrying `half` of call `key` was delivered; a call with nothing more to come is forgotten. */
  confirmed(key: string, half: LlmHalf): void {
    const call = this.entry(key);
    call[half] = 'sent';
    if ((call.prompt === 'sent' && call.completion === 'sent') || (call.failed && call.prompt !== 'attempted')) this.calls.delete(key);
  }

  /**
   * Span `key` ended in error (its error event was delivered): if it is a
   * split call, no completion will come. Any span can fail, so an unknown
   * key is left alone; the prompt goes at the call's start, so it is known
   * unless it was lost.
   */
  failed(key: string): void {
    const call = this.calls.get(key);
    if (!call) return;
    // A prompt still being retried may yet be stored: its confirmation forgets the call.
    if (call.prompt === 'attempted') call.failed = true;
    else this.calls.delete(key);
  }

  private entry(key: string): SplitCallProgress {
    let call = this.calls.get(key);
    if (call) return call;
    if (this.calls.size >= this.capacity) {
      // Insertion order: the oldest is most likely a call whose other half was lost for good.
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) this.calls.delete(oldest);
      this.forgotOne = true;
    }
    call = {};
    this.calls.set(key, call);
    return call;
  }
}
