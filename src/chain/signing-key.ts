/**
 * The Ed25519 key that signs checkpoints, and the public keys a verifier
 * checks them with. All crypto is Node's own (`node:crypto`).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A public key with the names a trail gives it. */
export interface PublicKeyInfo {
  readonly publicKey: KeyObject;
  /** First 16 hex of the SHA-256 of the raw 32-byte key (`audit.integrity.key_id`). */
  readonly keyId: string;
  /** The raw 32-byte key, base64url (`audit.integrity.public_key`, and what `--public-key` takes). */
  readonly publicKeyText: string;
}

/** The key pair a stream signs its checkpoints with. */
export interface SigningKey extends PublicKeyInfo {
  readonly privateKey: KeyObject;
}

/** What {@link loadOrCreateSigningKey} gives: the key, or why there is none. */
export type SigningKeyResult = { key: SigningKey; created: boolean } | { problem: string };

const RAW_KEY_TEXT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The signing key in a PKCS#8 PEM text.
 *
 * @throws TypeError when the text is not an Ed25519 private key in PEM.
 * @example
 * const key = signingKeyFromPem(readFileSync('audit-key.pem', 'utf8'));
 */
export function signingKeyFromPem(pem: string | Buffer): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new TypeError(`not a PEM private key (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError(`a ${privateKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return { privateKey, ...describePublicKey(createPublicKey(privateKey)) };
}

/**
 * Reads the signing key from `file`, or makes one there: a new Ed25519 key
 * in PKCS#8 PEM, created exclusively (`wx`) with mode 0600, in a folder
 * created 0700 if missing. When another process creates the file first, its
 * key is read and used, so both sign with one key. A file that cannot be
 * read or holds no Ed25519 private key is a problem, never replaced.
 *
 * @example
 * const loaded = loadOrCreateSigningKey('/var/lib/agent/audit-key.pem');
 * if ('problem' in loaded) console.error(loaded.problem); else new StreamChain({ key: loaded.key });
 */
export function loadOrCreateSigningKey(file: string): SigningKeyResult {
  const existing = readKeyFile(file);
  if (existing !== 'missing') return existing;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    return { problem: `signing key ${file}: cannot create its folder (${(error as Error).message})` };
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  try {
    writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      return { problem: `signing key ${file}: cannot create it (${(error as Error).message})` };
    }
    return readRacedKeyFile(file);
  }
  return { key: signingKeyFromPem(pem), created: true };
}

/**
 * A public key from what a user types: the base64url raw key (as a trail's
 * `audit.integrity.public_key` gives it), an SPKI PEM text, or the path of a
 * PEM file (a public key, or the private key file itself). Reads the file.
 *
 * @example
 * const pinned = publicKeyFromText('keys/audit.pub.pem'); // or the 43-character base64url key a checkpoint names
 * if ('problem' in pinned) console.error(pinned.problem); else pins.push(pinned.publicKeyText);
 */
export function publicKeyFromText(text: string): PublicKeyInfo | { problem: string } {
  const parsed = parsePublicKey(text);
  if (parsed) return parsed;
  let contents: string;
  try {
    contents = readFileSync(text, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: `public key '${text}' is neither a base64url Ed25519 key nor PEM text, and not a readable file (${code ?? (error as Error).message})` };
  }
  return parsePublicKey(contents) ?? { problem: `public key file ${text} holds no Ed25519 key in PEM` };
}

/**
 * A public key from text alone, without I/O: the base64url raw key, or PEM
 * text (SPKI; a private key's public half is taken too). Undefined for
 * anything else, and for keys that are not Ed25519.
 *
 * @example
 * parsePublicKey(checkpoint.payload['audit.integrity.public_key'] as string)?.keyId;
 */
export function parsePublicKey(text: string): PublicKeyInfo | undefined {
  const trimmed = text.trim();
  try {
    let publicKey: KeyObject;
    if (RAW_KEY_TEXT.test(trimmed)) {
      publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: trimmed }, format: 'jwk' });
    } else if (trimmed.includes('-----BEGIN')) {
      publicKey = createPublicKey({ key: trimmed, format: 'pem' });
    } else {
      return undefined;
    }
    return publicKey.asymmetricKeyType === 'ed25519' ? describePublicKey(publicKey) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The base64url Ed25519 signature of `statement` (its UTF-8 bytes).
 *
 * @example
 * signStatement(key, checkpointStatement('close', streamId, 41, headHash));
 */
export function signStatement(key: SigningKey, statement: string): string {
  return sign(null, Buffer.from(statement, 'utf8'), key.privateKey).toString('base64url');
}

/**
 * Whether `signature` (base64url) is `publicKey`'s Ed25519 signature of `statement`.
 * Never throws: a malformed signature is simply not valid.
 *
 * @example
 * statementSignedBy(info.publicKey, statement, payload['audit.integrity.value'] as string); // true
 */
export function statementSignedBy(publicKey: KeyObject, statement: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(statement, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

function describePublicKey(publicKey: KeyObject): PublicKeyInfo {
  // JWK `x` is the raw 32-byte key in base64url: no DER offsets to get wrong.
  const publicKeyText = publicKey.export({ format: 'jwk' }).x as string;
  const keyId = createHash('sha256').update(Buffer.from(publicKeyText, 'base64url')).digest('hex').slice(0, 16);
  return { publicKey, keyId, publicKeyText };
}

function readKeyFile(file: string): SigningKeyResult | 'missing' {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return { problem: `signing key ${file}: cannot read it (${(error as Error).message})` };
  }
  if (pem.trim() === '') return { problem: `signing key ${file} is empty. Remove it to have a new key made.` };
  try {
    return { key: signingKeyFromPem(pem), created: false };
  } catch (error) {
    return { problem: `signing key ${file} holds no Ed25519 private key: ${(error as Error).message}. Fix or remove it.` };
  }
}

/**
 * The file another process created a moment ago: it opens and then writes,
 * so for an instant the file exists but is empty. Wait a little for the key.
 */
function readRacedKeyFile(file: string): SigningKeyResult {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    const read = readKeyFile(file);
    if (read !== 'missing' && ('key' in read || attempt >= 20)) return read;
    if (read === 'missing' && attempt >= 20) return { problem: `signing key ${file}: created by another process, then removed` };
    Atomics.wait(pause, 0, 0, 10);
  }
}
