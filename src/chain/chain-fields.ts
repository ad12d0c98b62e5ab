/**
 * The payload fields that make audit events tamper-evident. They travel in
 * the event's payload, so every backend (Secureagentics, the local receiver,
 * a JSONL file) stores them unchanged and a trail read back from any of them
 * can be verified. Names follow the OpenTelemetry audit-logging draft
 * (`audit.stream.*`, `audit.sequence.*`, `audit.integrity.*`) where it has one.
 */

/** The stream an event belongs to: 32 lowercase hex, random, one per exporter per process start. */
export const AUDIT_STREAM_ID = 'audit.stream.id';

/** The event's position in its stream: 1, 2, 3 … with no holes. */
export const AUDIT_SEQUENCE_NUMBER = 'audit.sequence.number';

/** Lowercase hex SHA-256 of the previous event's chain view; absent on sequence 1. */
export const AUDIT_SEQUENCE_PREV_HASH = 'audit.sequence.prev_hash';

/** The `name` payload field of a checkpoint event, and the role in its event id. */
export const CHECKPOINT_NAME = 'audit.checkpoint';

/** Why the checkpoint was written: `periodic`, `close` or `recovered` (see {@link CheckpointKind}). */
export const AUDIT_CHECKPOINT_KIND = 'audit.checkpoint.kind';

/** The stream the checkpoint vouches for: its own, or for `recovered` the dead process's stream. */
export const AUDIT_CHECKPOINT_STREAM_ID = 'audit.checkpoint.stream_id';

/** The last sequence number the checkpoint vouches for. */
export const AUDIT_CHECKPOINT_SEQUENCE = 'audit.checkpoint.sequence';

/** The hash of the event at {@link AUDIT_CHECKPOINT_SEQUENCE}: the head the checkpoint vouches for. */
export const AUDIT_CHECKPOINT_HEAD_HASH = 'audit.checkpoint.head_hash';

/** The signature algorithm; always {@link INTEGRITY_ALGORITHM}. */
export const AUDIT_INTEGRITY_ALGORITHM = 'audit.integrity.algorithm';

/** First 16 hex of the SHA-256 of the raw public key: names the key without carrying it. */
export const AUDIT_INTEGRITY_KEY_ID = 'audit.integrity.key_id';

/** The raw 32-byte Ed25519 public key, base64url, so a trail can be checked without a key file. */
export const AUDIT_INTEGRITY_PUBLIC_KEY = 'audit.integrity.public_key';

/** The base64url signature over the checkpoint's statement (see `checkpointStatement`). */
export const AUDIT_INTEGRITY_VALUE = 'audit.integrity.value';

/** The one signature algorithm checkpoints use. */
export const INTEGRITY_ALGORITHM = 'Ed25519';

/**
 * - `periodic`: every N events, vouching for the event right before it;
 * - `close`: at shutdown, the stream's last event;
 * - `recovered`: written by the process that took over a dead process's spool,
 *   in its own stream, vouching for the dead stream's last committed event.
 */
export type CheckpointKind = 'periodic' | 'close' | 'recovered';

/** The three {@link CheckpointKind}s, for checking a value read from a trail. */
export const CHECKPOINT_KINDS: ReadonlySet<string> = new Set<CheckpointKind>(['periodic', 'close', 'recovered']);
