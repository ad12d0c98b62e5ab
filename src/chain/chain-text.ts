/**
 * The canonical JSON text a chained event was hashed over, kept for the
 * event so that it is serialised once. That text is the event's chain view,
 * which is the Secureagentics wire event exactly (chain-view.ts): a backend
 * of that wire form sends it as it is instead of serialising the event again,
 * and every trail it reaches (the local receiver's file, an export) then
 * holds each payload in canonical key order, which `verify` hashes without
 * a sorted copy. Only events sent from memory carry it: one read back from
 * the spool goes as the backend serialises it. `StreamChain` keeps texts
 * only when asked (`keepTexts`, for a backend with `sendsChainText`): a
 * queued event would otherwise weigh about twice what it does.
 *
 * The text is kept beside the event object, weakly, not on it: a copy of the
 * event, which may differ, never carries a text that is not its own. (A
 * non-enumerable property on the event did that too, but defining it left
 * the event with slow properties: reading its fields cost ten times more,
 * about as much as serialising a short payload.) Chained events are not
 * changed after linking (the stream's hash would no longer match them), so
 * the text stays true of the event it is kept for.
 */
import type { AuditEvent } from '../model/audit-event.js';

const chainTexts = new WeakMap<AuditEvent, string>();

/** Keeps `text`, the canonical JSON of `event`'s chain view, on `event`. Internal to `StreamChain`. */
export function keepChainText(event: AuditEvent, text: string): void {
  chainTexts.set(event, text);
}

/**
 * The canonical JSON of the chain view of `event` as it was linked, or
 * undefined for an event that was not linked in this process (unchained, or
 * read back from the spool after a restart).
 *
 * @example
 * const body = chainTextOf(event) ?? JSON.stringify(toWireEvent(event));
 */
export function chainTextOf(event: AuditEvent): string | undefined {
  return chainTexts.get(event);
}
