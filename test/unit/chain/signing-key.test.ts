import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, parsePublicKey, publicKeyFromText, signingKeyFromPem, signStatement, statementSignedBy } from '../../../src/chain/signing-key.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'audit-key-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('loadOrCreateSigningKey', () => {
  it('creates a PKCS#8 Ed25519 key with mode 0600 in a new folder with mode 0700', () => {
    const file = join(folder, 'keys', 'audit-key.pem');
    const loaded = loadOrCreateSigningKey(file);
    if ('problem' in loaded) throw new Error(loaded.problem);
    expect(loaded.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'keys')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(loaded.key.privateKey.asymmetricKeyType).toBe('ed25519');
  });

  it('reuses the key already there', () => {
    const file = join(folder, 'audit-key.pem');
    const first = loadOrCreateSigningKey(file);
    const second = loadOrCreateSigningKey(file);
    if ('problem' in first || 'problem' in second) throw new Error('no key');
    expect(second.created).toBe(false);
    expect(second.key.keyId).toBe(first.key.keyId);
    expect(second.key.publicKeyText).toBe(first.key.publicKeyText);
  });

  it.each([
    ['empty', ''],
    ['not PEM', 'hello'],
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
  ])('reports a file that is %s as a problem, and leaves it alone', (_, contents) => {
    const file = join(folder, 'audit-key.pem');
    writeFileSync(file, contents);
    const loaded = loadOrCreateSigningKey(file);
    expect(loaded).toEqual({ problem: expect.stringContaining(`signing key ${file}`) });
    expect(readFileSync(file, 'utf8')).toBe(contents);
  });

  it('reports an unreadable key (a folder in its place) as a problem, not a throw', () => {
    const file = join(folder, 'audit-key.pem');
    mkdirSync(file);
    expect(loadOrCreateSigningKey(file)).toEqual({ problem: expect.stringContaining('cannot read it') });
  });

  it('reports a path through a file as a problem', () => {
    writeFileSync(join(folder, 'file'), '');
    const file = join(folder, 'file', 'audit-key.pem');
    expect(loadOrCreateSigningKey(file)).toEqual({ problem: expect.stringContaining(`signing key ${file}: cannot read it (ENOTDIR`) });
  });
});

describe('signing-key names', () => {
  const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const raw = Buffer.from(key.publicKeyText, 'base64url');

  it('names the key by the first 16 hex of the SHA-256 of its raw 32 bytes', () => {
    expect(raw).toHaveLength(32);
    expect(key.keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
  });

  it('reads a public key from the base64url raw key, SPKI PEM text, or a PEM file', () => {
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const file = join(folder, 'audit.pub.pem');
    writeFileSync(file, pem);
    for (const text of [key.publicKeyText, pem, file]) expect(publicKeyFromText(text)).toMatchObject({ keyId: key.keyId, publicKeyText: key.publicKeyText });
  });

  it('says what is wrong with a public key it cannot read', () => {
    expect(publicKeyFromText(join(folder, 'missing.pem'))).toEqual({ problem: expect.stringContaining('ENOENT') });
    writeFileSync(join(folder, 'junk.pem'), 'junk');
    expect(publicKeyFromText(join(folder, 'junk.pem'))).toEqual({ problem: expect.stringContaining('holds no Ed25519 key') });
    expect(parsePublicKey('A'.repeat(42))).toBeUndefined();
    expect(parsePublicKey(generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }) as string)).toBeUndefined();
  });

  it('signs and checks statements; a changed statement or signature does not check', () => {
    const signature = signStatement(key, '{"a":1}');
    expect(statementSignedBy(key.publicKey, '{"a":1}', signature)).toBe(true);
    expect(statementSignedBy(key.publicKey, '{"a":2}', signature)).toBe(false);
    expect(statementSignedBy(key.publicKey, '{"a":1}', 'not base64url!')).toBe(false);
  });
});
