/**
 * Checkpoints: signed statements, carried as events of a stream, that a
 * stream (its own, or a dead process's) reached a given sequence and hash.
 * Written by `StreamChain`, read and checked by `verifyTrail`.
 */
import {
  AUDIT_CHECKPOINT_HEAD_HASH,
  AUDIT_CHECKPOINT_KIND,
  AUDIT_CHECKPOINT_SEQUENCE,
  AUDIT_CHECKPOINT_STREAM_ID,
  AUDIT_INTEGRITY_ALGORITHM,
  AUDIT_INTEGRITY_KEY_ID,
  AUDIT_INTEGRITY_PUBLIC_KEY,
  AUDIT_INTEGRITY_VALUE,
  CHECKPOINT_KINDS,
  CHECKPOINT_NAME,
  INTEGRITY_ALGORITHM,
  type CheckpointKind,
} from './chain-fields.js';
import { canonicalJson } from './event-hash.js';
import { parsePublicKey, signStatement, statementSignedBy, type PublicKeyInfo, type SigningKey } from './signing-key.js';

/** What a checkpoint says, read from its payload. */
export interface CheckpointClaim {
  readonly kind: CheckpointKind;
  /** The stream vouched for. */
  readonly streamId: string;
  /** The last sequence number vouched for. */
  readonly sequence: number;
  /** The hash of the event at {@link sequence}. */
  readonly headHash: string;
  readonly keyId: string;
  readonly publicKeyText: string;
  readonly signature: string;
}

/**
 * The bytes a checkpoint signs: the canonical JSON of
 * `{ kind, stream_id, sequence, head_hash }`.
 *
 * @example
 * checkpointStatement('close', 'a3…', 41, '9f…'); // '{"head_hash":"9f…","kind":"close","sequence":41,"stream_id":"a3…"}'
 */
export function checkpointStatement(kind: CheckpointKind, streamId: string, sequence: number, headHash: string): string {
  return canonicalJson({ kind, stream_id: streamId, sequence, head_hash: headHash });
}

/**
 * The payload of a checkpoint vouching for `sequence` / `headHash` of
 * `streamId`, signed with `key` (without the chain fields, which linking adds).
 *
 * @example
 * checkpointPayload(key, 'periodic', chain.streamId, 1000, head.hash);
 */
export function checkpointPayload(key: SigningKey, kind: CheckpointKind, streamId: string, sequence: number, headHash: string): Record<string, unknown> {
  return {
    name: CHECKPOINT_NAME,
    [AUDIT_CHECKPOINT_KIND]: kind,
    [AUDIT_CHECKPOINT_STREAM_ID]: streamId,
    [AUDIT_CHECKPOINT_SEQUENCE]: sequence,
    [AUDIT_CHECKPOINT_HEAD_HASH]: headHash,
    [AUDIT_INTEGRITY_ALGORITHM]: INTEGRITY_ALGORITHM,
    [AUDIT_INTEGRITY_KEY_ID]: key.keyId,
    [AUDIT_INTEGRITY_PUBLIC_KEY]: key.publicKeyText,
    [AUDIT_INTEGRITY_VALUE]: signStatement(key, checkpointStatement(kind, streamId, sequence, headHash)),
  };
}

/**
 * Whether the payload is a checkpoint's (`name: 'audit.checkpoint'`), and
 * if so its claim, or why it cannot be one (a field missing or mistyped).
 *
 * @example
 * const claim = readCheckpointClaim(line.view.payload);
 * if (typeof claim === 'string') badSignatures.push({ sequence, reason: claim });
 */
export function readCheckpointClaim(payload: Readonly<Record<string, unknown>>): CheckpointClaim | string | undefined {
  if (payload['name'] !== CHECKPOINT_NAME) return undefined;
  const kind = payload[AUDIT_CHECKPOINT_KIND];
  const streamId = payload[AUDIT_CHECKPOINT_STREAM_ID];
  const sequence = payload[AUDIT_CHECKPOINT_SEQUENCE];
  const headHash = payload[AUDIT_CHECKPOINT_HEAD_HASH];
  const keyId = payload[AUDIT_INTEGRITY_KEY_ID];
  const publicKeyText = payload[AUDIT_INTEGRITY_PUBLIC_KEY];
  const signature = payload[AUDIT_INTEGRITY_VALUE];
  if (typeof kind !== 'string' || !CHECKPOINT_KINDS.has(kind)) return `unknown checkpoint kind ${JSON.stringify(kind) ?? 'none'}`;
  if (payload[AUDIT_INTEGRITY_ALGORITHM] !== INTEGRITY_ALGORITHM) return `algorithm is not ${INTEGRITY_ALGORITHM}`;
  if (typeof streamId !== 'string' || typeof headHash !== 'string') return 'the stream id or head hash is missing';
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) return 'the vouched sequence number is not a positive integer';
  if (typeof keyId !== 'string' || typeof publicKeyText !== 'string' || typeof signature !== 'string') return 'the key id, public key or signature is missing';
  return { kind: kind as CheckpointKind, streamId, sequence, headHash, keyId, publicKeyText, signature };
}

/**
 * Checks checkpoint signatures, remembering each public key it parsed (a
 * trail names one or two keys, thousands of times).
 */
export class CheckpointVerifier {
  private readonly keys = new Map<string, PublicKeyInfo | undefined>();
  private readonly pinned: ReadonlySet<string> | undefined;

  /**
   * @param pinned the keys a checkpoint must be signed by (base64url raw or
   *   PEM text, as {@link parsePublicKey} reads them); none: the key it names.
   * @throws TypeError naming a pinned key that is not an Ed25519 public key.
   */
  constructor(pinned?: readonly string[]) {
    this.pinned = pinned === undefined ? undefined : new Set(pinned.map(normalisedKeyText));
  }

  /** Why `claim`'s signature is not good, or undefined when it is. */
  problemWith(claim: CheckpointClaim): string | undefined {
    let info = this.keys.get(claim.publicKeyText);
    if (info === undefined && !this.keys.has(claim.publicKeyText)) {
      info = parsePublicKey(claim.publicKeyText);
      this.keys.set(claim.publicKeyText, info);
    }
    if (info === undefined) return 'the public key beside it is not an Ed25519 key';
    // A key id that does not name the key it sits beside is a forgery's tell.
    if (info.keyId !== claim.keyId) return `key id ${claim.keyId} does not match the public key beside it`;
    if (this.pinned !== undefined && !this.pinned.has(info.publicKeyText)) return `signed by key ${claim.keyId}, which is not a pinned key`;
    const statement = checkpointStatement(claim.kind, claim.streamId, claim.sequence, claim.headHash);
    return statementSignedBy(info.publicKey, statement, claim.signature) ? undefined : `the signature does not match (key ${claim.keyId})`;
  }
}

function normalisedKeyText(text: string): string {
  const info = parsePublicKey(text);
  if (!info) throw new TypeError(`verifyTrail: publicKeys holds '${text.slice(0, 60)}', which is not an Ed25519 public key (base64url raw or PEM)`);
  return info.publicKeyText;
}
