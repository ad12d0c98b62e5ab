/**
 * What the gateway tells a sender about the spans of one request, from what
 * the pipeline did with them (`exportDurably`), in words both listeners
 * use: OTLP/HTTP says it with a status code, OTLP/gRPC with a status.
 */
import { SPOOL_FULL_SHARE } from '../deliver/spool/spool-room.js';
import type { DurableExportResult } from '../pipeline/durable-export-result.js';

/**
 * - `accepted`: the events are safe; answer OK.
 * - `retry-later`: nothing is lost by refusing now, and a retry of the same spans makes the same events (HTTP 503 + Retry-After, gRPC UNAVAILABLE).
 * - `too-large`: these spans could never be taken at once (HTTP 413, gRPC RESOURCE_EXHAUSTED, neither retried).
 * - `failed`: they could not be converted and would fail the same way again (HTTP 500, gRPC INTERNAL).
 */
export type ExportVerdict =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'retry-later' | 'too-large' | 'failed'; readonly message: string };

/**
 * The verdict on `result`, the outcome for `spanCount` spans, with a message
 * that says what happened and what to change.
 *
 * @example
 * verdictOf(await pipeline.acceptSpans(spans), spans.length, 64 << 20); // { kind: 'accepted' }
 */
export function verdictOf(result: DurableExportResult, spanCount: number, spoolMaxBytes: number): ExportVerdict {
  switch (result.outcome) {
    case 'spooled':
    case 'queued':
      return { kind: 'accepted' };
    case 'unspooled':
      // Not safe yet: a retry re-sends the same spans, which make the same event ids.
      return { kind: 'retry-later', message: `the events of ${spanCount} spans are not safe: the spool could not write them (see the gateway log)` };
    case 'full':
    case 'too-large': {
      const { events, bytes, spoolBytes, limitBytes } = result.shortage;
      const limit = `${limitBytes} bytes, ${SPOOL_FULL_SHARE * 100}% of spoolMaxBytes ${spoolMaxBytes}`;
      // Nothing was spooled, sent or chained: the retry converts the same spans into the same events.
      if (result.outcome === 'full') {
        return { kind: 'retry-later', message: `not taking spans now: the spool has no room for the ${events} events of these ${spanCount} spans (${bytes} bytes) while its backends are behind: it holds ${spoolBytes} bytes and takes requests up to ${limit}` };
      }
      return { kind: 'too-large', message: `the ${events} events of these ${spanCount} spans take ${bytes} bytes in the spool, more than it takes at once (${limit}); export smaller batches (the BatchSpanProcessor's maxExportBatchSize) or raise spoolMaxBytes` };
    }
    case 'failed':
      return { kind: 'failed', message: `the ${spanCount} spans could not be converted into audit events (${result.error.message}); they are not retried` };
  }
}
