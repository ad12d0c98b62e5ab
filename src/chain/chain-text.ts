/**
 * The canonical JSON text a chained event was hashed over, kept on the
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
 * The text is a non-enumerable property: JSON and spreads ignore it, so a
 * copy of the event, which may differ, never carries a text that is not its
 * own. Chained events are not changed after linking (the stream's hash would
 * no longer match them), so the text stays true of the event it is on.
 */
import type { AuditEvent } from '../model/audit-event.js';

const CHAIN_TEXT: unique symbol = Symbol('otel-agent-audit.chain-text');

type WithChainText = AuditEvent & { readonly [CHAIN_TEXT]?: string };

/** Keeps `text`, the canonical JSON of `event`'s chain view, on `event`. Internal to `StreamChain`. */
export function keepChainText(event: AuditEvent, text: string): void {
  Object.defineProperty(event, CHAIN_TEXT, { value: text });
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
  return (event as WithChainText)[CHAIN_TEXT];
}
