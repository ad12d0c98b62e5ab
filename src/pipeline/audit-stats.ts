import type { BackendStats } from '../deliver/backend-pipeline.js';
import type { SpoolStats } from '../deliver/spool/event-spool.js';
import type { IntegrityStats } from './trail-integrity.js';

/** Counters of the audit pipeline, from spans to each backend. */
export interface AuditStats {
  /** Audit events made from spans so far. */
  eventsConverted: number;
  /** Finished spans waiting for conversion (processor only). */
  spansQueued: number;
  /** Finished spans dropped because the span queue was full, or ended after shutdown (processor only). */
  spansDropped: number;
  /** Per backend, keyed by its name (`secureagentics`, a second one `secureagentics#2`). */
  backends: Record<string, BackendStats>;
  /** The write-ahead spool; absent when events are kept in memory only. */
  spool?: SpoolStats;
  /** Redactions so far, per rule (`openai_key`, `email`, …); absent when redaction is off. Never the matched text. */
  redactions?: Record<string, number>;
  /** This exporter's stream, sequence, checkpoints and public key; absent when tamper evidence is off. */
  integrity?: IntegrityStats;
}
