// What the receiver must tell the person running it, which no HTTP answer
// carries: its trail cannot be written, lines of its trail were skipped on
// load, it listens beyond loopback without an API key. `diag` alone is not
// enough: the CLI installs no diag logger, and neither do most scripts.
import { diag } from '@opentelemetry/api';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:receiver' });

/** Receives one notice, a complete sentence without a trailing newline. */
export type NoticeSink = (message: string) => void;

/** The default sink: one line on the process's stderr. */
export const stderrNotices: NoticeSink = (message) => {
  process.stderr.write(`otel-agent-audit receiver: ${message}\n`);
};

/**
 * A notice function that writes to `sink` and to `diag` (as a warning), so a
 * program that routes diag into its own logs sees the notice there too.
 *
 * @example
 * const notify = operatorNotices(options.onWarning ?? stderrNotices);
 * notify('audit trail trail.jsonl: skipped 2 malformed line(s)');
 */
export function operatorNotices(sink: NoticeSink): NoticeSink {
  return (message) => {
    log.warn(message);
    try {
      sink(message);
    } catch {
      // A failing sink (a closed stderr) must not fail the request that hit the problem.
    }
  };
}
