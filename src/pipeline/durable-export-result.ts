/**
 * What the OTLP gateway hears back from `AuditSpanExporter.exportDurably`
 * for the spans of one request: whether it may acknowledge them, and if not
 * why, as a value (the export path never throws).
 */
import type { SpoolShortage } from '../deliver/spool/spool-room.js';

/**
 * What `AuditSpanExporter.exportDurably` did with the events of some spans:
 * - `spooled`: they are on disk in the spool (or already delivered everywhere);
 * - `queued`: there is no spool, they are in each backend's memory queue;
 * - `unspooled`: the spool could not write them (they are in memory only);
 * - `full`: refused, nothing spooled, sent or counted — the spool would have
 *   had to push out events a backend has not settled yet to hold them (it is
 *   behind); the same spans again later make the same events;
 * - `too-large`: refused likewise, for good: they alone are more than the
 *   spool takes at once (`shortage.limitBytes`);
 * - `failed`: shut down, or conversion failed.
 *
 * @example
 * const result = await exporter.exportDurably(spans);
 * if (result.outcome === 'full') console.log(`no room for ${result.shortage.events} events; retry later`);
 */
export type DurableExportResult =
  | { readonly outcome: 'spooled' | 'queued' | 'unspooled'; readonly events: number }
  /** `shortage`: the events' size (and how many there were), the spool's, and its limit. */
  | { readonly outcome: 'full' | 'too-large'; readonly events: 0; readonly shortage: SpoolShortage & { readonly events: number } }
  | { readonly outcome: 'failed'; readonly events: 0; readonly error: Error };
