/**
 * An exporter's tamper evidence: its stream's hash chain, the signing key
 * its checkpoints are signed with (the user's, or one kept beside the
 * spool, or one made for this process), the checkpoint timer, and the
 * closing of a dead predecessor's stream.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_CHECKPOINT_KIND, CHECKPOINT_NAME } from '../chain/chain-fields.js';
import { loadOrCreateSigningKey, signingKeyFromPem, type SigningKey } from '../chain/signing-key.js';
import { chainHeadOf, StreamChain, type ChainDraft, type ChainHead } from '../chain/stream-chain.js';
import type { IntegrityConfig } from '../config/resolve-trust.js';
import type { AuditEvent } from '../model/audit-event.js';
import { scrubSecrets } from '../redact/log-scrubber.js';

/** Code of the process warning that prints a signing key made by the package, with its public key. */
export const SIGNING_KEY_WARNING_CODE = 'OTEL_AGENT_AUDIT_SIGNING_KEY';

/** The file a service's signing key is kept in, inside its spool folder. */
export const SIGNING_KEY_FILE = 'audit-signing-key.pem';

/** What `stats().integrity` shows. */
export interface IntegrityStats {
  /** This exporter's stream (`audit.stream.id`). */
  readonly streamId: string;
  /** The last sequence number given (0: none yet). */
  readonly sequence: number;
  /** Signed checkpoints made. */
  readonly checkpoints: number;
  /** The signing key's id (`audit.integrity.key_id`) and public key (base64url), to keep for `otel-agent-audit verify --public-key`. */
  readonly keyId: string;
  readonly publicKey: string;
}

/** The chain head the spool keeps for the next owner. */
interface SavedHead extends ChainHead {
  /** The event was its stream's close: nothing to recover. */
  readonly closed: boolean;
}

export class TrailIntegrity {
  private readonly chain: StreamChain;
  private readonly key: SigningKey;
  private readonly timer: NodeJS.Timeout;
  private checkpoints = 0;

  /**
   * @param deliver where a checkpoint made by the timer goes (already linked: not redacted or linked again).
   * @param keepTexts whether a backend sends chained events as their canonical text (`AuditBackend.sendsChainText`), so the chain keeps it on them.
   */
  constructor(
    config: IntegrityConfig,
    serviceDir: string | undefined,
    private readonly deliver: (events: AuditEvent[]) => void,
    keepTexts = false,
  ) {
    this.key = signingKeyOf(config, serviceDir);
    this.chain = new StreamChain({ key: this.key, checkpointEvery: config.checkpointEvery, keepTexts });
    // Held weakly, so an exporter dropped without shutdown can still be collected (its timer then stops).
    const self = new WeakRef(this);
    const timer = setInterval(() => {
      const integrity = self.deref();
      if (integrity === undefined) clearInterval(timer);
      else integrity.deliver(integrity.counted(integrity.chain.checkpoint()));
    }, config.checkpointIntervalMillis);
    timer.unref();
    this.timer = timer;
  }

  /** Numbers and links `events` (a checkpoint may follow them). */
  link(events: readonly AuditEvent[]): AuditEvent[] {
    return this.counted(this.chain.link(events));
  }

  /**
   * Linked as `link` would, kept in the stream only by `keep()` (see
   * `StreamChain.draft`): for events that may still be refused once their
   * linked size is known. Checkpoints are counted when kept.
   */
  draft(events: readonly AuditEvent[]): ChainDraft {
    const draft = this.chain.draft(events);
    return {
      events: draft.events,
      keep: () => {
        draft.keep();
        this.counted(draft.events);
      },
    };
  }

  /** The stream's close, at shutdown; later events are followed by a new close. */
  close(): AuditEvent[] {
    clearInterval(this.timer);
    return this.counted(this.chain.close());
  }

  /** The chain head the spool keeps for a next owner, of the last event a commit wrote. */
  headOf(event: AuditEvent): SavedHead | undefined {
    const head = chainHeadOf(event);
    if (head === undefined) return undefined;
    return { ...head, closed: event.payload['name'] === CHECKPOINT_NAME && event.payload[AUDIT_CHECKPOINT_KIND] === 'close' };
  }

  /**
   * A dead predecessor's stream, closed in the trail: a `recovered`
   * checkpoint in this stream vouches for the last event it committed.
   * Nothing for a head that was a close, or is unreadable.
   */
  recover(saved: unknown): AuditEvent[] {
    const head = saved as Partial<SavedHead> | null | undefined;
    if (head === null || typeof head !== 'object' || head.closed === true) return [];
    if (typeof head.streamId !== 'string' || typeof head.hash !== 'string' || !Number.isSafeInteger(head.sequence)) return [];
    return this.counted(this.chain.recover({ streamId: head.streamId, sequence: head.sequence as number, hash: head.hash }));
  }

  stats(): IntegrityStats {
    return {
      streamId: this.chain.streamId,
      sequence: this.chain.head?.sequence ?? 0,
      checkpoints: this.checkpoints,
      keyId: this.key.keyId,
      publicKey: this.key.publicKeyText,
    };
  }

  private counted(events: AuditEvent[]): AuditEvent[] {
    for (const event of events) if (event.payload['name'] === CHECKPOINT_NAME) this.checkpoints++;
    return events;
  }
}

/**
 * The key checkpoints are signed with: the configured one; else the
 * service's, kept beside its spool (made on first use, and its public key
 * printed); else, without a spool, one for this process only (printed too).
 * A configured key that cannot be read is said, and a process key used, so
 * the trail stays signed and `verify --public-key` fails loudly.
 */
function signingKeyOf(config: IntegrityConfig, serviceDir: string | undefined): SigningKey {
  if (config.signingKey !== undefined) {
    const pem = config.signingKey.includes('-----BEGIN');
    try {
      return signingKeyFromPem(pem ? config.signingKey : readFileSync(config.signingKey, 'utf8'));
    } catch (error) {
      const key = processKey();
      // Never the value, nor an error that quotes it: it may be the private key itself.
      const why = pem ? 'its PEM text holds no Ed25519 private key' : `it is not PEM text, and no readable PEM file has that name (${(error as NodeJS.ErrnoException).code ?? 'not a key'})`;
      warn(
        `otel-agent-audit: the signing key (integrity.signingKey / OTEL_AGENT_AUDIT_SIGNING_KEY) could not be used: ${why}. ` +
          `Checkpoints are signed with a key made for this process instead, whose public key is ${key.publicKeyText} (key id ${key.keyId}); verifying with your public key will fail until the key is fixed.`,
      );
      return key;
    }
  }
  if (serviceDir !== undefined) {
    const file = join(serviceDir, SIGNING_KEY_FILE);
    const loaded = loadOrCreateSigningKey(file);
    if ('key' in loaded) {
      if (loaded.created) {
        warn(
          `otel-agent-audit: made the signing key ${file} for this service's audit trail. Keep its public key to verify the trail ` +
            `(otel-agent-audit verify --public-key ${loaded.key.publicKeyText} <trail>); key id ${loaded.key.keyId}. Set integrity.signingKey (OTEL_AGENT_AUDIT_SIGNING_KEY) to use a key of your own.`,
        );
      }
      return loaded.key;
    }
    const key = processKey();
    warn(`otel-agent-audit: ${loaded.problem}. Checkpoints are signed with a key made for this process: public key ${key.publicKeyText} (key id ${key.keyId}).`);
    return key;
  }
  const key = processKey();
  warn(
    `otel-agent-audit: no spool and no signing key (integrity.signingKey / OTEL_AGENT_AUDIT_SIGNING_KEY): checkpoints are signed with a key made for this process, ` +
      `public key ${key.publicKeyText} (key id ${key.keyId}). Keep it to verify this run's trail.`,
  );
  return key;
}

function processKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

function warn(message: string): void {
  process.emitWarning(scrubSecrets(message), { code: SIGNING_KEY_WARNING_CODE });
}
