/**
 * Tamper evidence through `AuditSpanExporter` (`integrity: {}`; the suite
 * turns it off by default): where the signing key comes from (made once
 * beside the spool and printed, reused by the next exporter of the service,
 * the user's PEM text or file, a process key when the given one cannot be
 * used or there is no spool), and the trail it leaves: every event chained,
 * a signed close as its last event, and a file `verifyTrailSource` passes.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, onTestFinished, vi } from 'vitest';
import {
  AuditSpanExporter,
  jsonlFile,
  SIGNING_KEY_WARNING_CODE,
  verifyTrailSource,
  withToolCall,
  type AuditEvent,
  type AuditExporterOptions,
  type IntegrityStats,
} from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import { recordingBackend, type RecordingBackend } from '../../support/recording-backend.js';
import { freshSpoolDir } from '../../support/tracing.js';
import { processWarnings } from '../../support/spool-warnings.js';

const KEY_FILE = 'audit-signing-key.pem';
const FAST = { initialBackoffMillis: 5, maxBackoffMillis: 20, maxAttempts: 4 } as const;

/** Process warnings with the signing key's code, from now until the test ends (emitted on the next tick). */
function keyWarnings(): string[] {
  return processWarnings(SIGNING_KEY_WARNING_CODE, (warning) => warning.message);
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An exporter with fast retries, shut down after the test if the test did not. */
function exporter(options: AuditExporterOptions): AuditSpanExporter {
  const made = new AuditSpanExporter({ ...FAST, ...options });
  onTestFinished(() => made.shutdown());
  return made;
}

function integrityOf(made: AuditSpanExporter): IntegrityStats {
  const stats = made.stats().integrity;
  if (stats === undefined) throw new Error('integrity is off');
  return stats;
}

/** A fresh Ed25519 key: its PKCS#8 PEM, and the public key and key id a trail names it by. */
function ed25519Key(): { pem: string; publicKey: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x as string;
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: raw,
    keyId: createHash('sha256').update(Buffer.from(raw, 'base64url')).digest('hex').slice(0, 16),
  };
}

const isCheckpoint = (event: AuditEvent): boolean => event.payload['name'] === 'audit.checkpoint';

describe('the signing key', () => {
  it('is made once beside the spool (<spoolDir>/<service>/audit-signing-key.pem, mode 0600), and its public key printed in one warning', async () => {
    const warnings = keyWarnings();
    const spoolDir = freshSpoolDir();
    const made = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'svc', integrity: {} });
    const file = join(spoolDir, 'svc', KEY_FILE);

    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const { publicKey, keyId } = integrityOf(made);
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keyId).toBe(createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex').slice(0, 16));
    await nextTick();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(publicKey);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toContain(keyId);
  });

  it('is reused by the next exporter of the same service: the same key id, and no new warning', async () => {
    const spoolDir = freshSpoolDir();
    const first = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'svc', integrity: {} });
    const file = join(spoolDir, 'svc', KEY_FILE);
    const pem = readFileSync(file, 'utf8');
    await first.shutdown();
    await nextTick();

    const warnings = keyWarnings();
    const second = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'svc', integrity: {} });
    expect(integrityOf(second).keyId).toBe(integrityOf(first).keyId);
    expect(integrityOf(second).publicKey).toBe(integrityOf(first).publicKey);
    expect(integrityOf(second).streamId).not.toBe(integrityOf(first).streamId); // a stream per exporter
    expect(readFileSync(file, 'utf8')).toBe(pem);
    await nextTick();
    expect(warnings).toEqual([]);
  });

  it('is one per service: another service in the same spool folder gets its own', () => {
    const spoolDir = freshSpoolDir();
    const a = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'svc', integrity: {} });
    const b = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'other', integrity: {} });
    expect(existsSync(join(spoolDir, 'other', KEY_FILE))).toBe(true);
    expect(integrityOf(b).keyId).not.toBe(integrityOf(a).keyId);
  });

  it('given as PKCS#8 PEM text, is used as it is: its key id, no file made, no warning', async () => {
    const warnings = keyWarnings();
    const key = ed25519Key();
    const spoolDir = freshSpoolDir();
    const made = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'svc', integrity: { signingKey: key.pem } });
    expect(integrityOf(made)).toMatchObject({ keyId: key.keyId, publicKey: key.publicKey });
    expect(existsSync(join(spoolDir, 'svc', KEY_FILE))).toBe(false);
    await nextTick();
    expect(warnings).toEqual([]);
  });

  it('given as the path of a PEM file, is read from it: its key id, no file made, no warning', async () => {
    const warnings = keyWarnings();
    const key = ed25519Key();
    const keyFile = join(freshSpoolDir(), 'my-key.pem');
    writeFileSync(keyFile, key.pem, { mode: 0o600 });
    const spoolDir = freshSpoolDir();
    const made = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'svc', integrity: { signingKey: keyFile } });
    expect(integrityOf(made)).toMatchObject({ keyId: key.keyId, publicKey: key.publicKey });
    expect(existsSync(join(spoolDir, 'svc', KEY_FILE))).toBe(false);
    await nextTick();
    expect(warnings).toEqual([]);
  });

  it.each([
    ['a path to no file', 'no-such-dir/no-such-key.pem'],
    ['PEM text that holds no key', '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n'],
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
  ])('that is %s is warned about, naming OTEL_AGENT_AUDIT_SIGNING_KEY, and a process key signs instead', async (_what, signingKey) => {
    const warnings = keyWarnings();
    const spoolDir = freshSpoolDir();
    const made = exporter({ backends: [recordingBackend()], spoolDir, serviceName: 'svc', integrity: { signingKey } });
    const { publicKey, keyId } = integrityOf(made);
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Not kept beside the spool either: the user asked for a key of their own.
    expect(existsSync(join(spoolDir, 'svc', KEY_FILE))).toBe(false);
    await nextTick();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OTEL_AGENT_AUDIT_SIGNING_KEY');
    expect(warnings[0]).toContain(publicKey);
    expect(warnings[0]).toContain(keyId);
    expect(warnings[0]).not.toContain('MII'); // never the key material itself
  });

  it('given as something that is neither PEM nor a file (the key body without its armour), is never printed', async () => {
    const warnings = keyWarnings();
    const body = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    exporter({ backends: [recordingBackend()], spoolDir: false, integrity: { signingKey: body } });
    await nextTick();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/OTEL_AGENT_AUDIT_SIGNING_KEY/);
    expect(warnings[0]).not.toContain(body.slice(0, 24));
  });

  it('with spoolDir: false and no key, is a process key, and the warning says so', async () => {
    const warnings = keyWarnings();
    const made = exporter({ backends: [recordingBackend()], spoolDir: false, integrity: {} });
    const { publicKey } = integrityOf(made);
    await nextTick();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('for this process');
    expect(warnings[0]).toContain(publicKey);
    // Two such exporters sign with two keys: nothing keeps a process key.
    const another = exporter({ backends: [recordingBackend()], spoolDir: false, integrity: {} });
    expect(integrityOf(another).keyId).not.toBe(integrityOf(made).keyId);
  });
});

describe('the trail', () => {
  it('chains every event into one stream and ends, after shutdown, with a signed close; verifyTrailSource passes it with the pinned key', async ({ install }) => {
    const spoolDir = freshSpoolDir();
    const trail = join(freshSpoolDir(), 'trail.jsonl');
    const backend = recordingBackend();
    const made = exporter({ backends: [backend, jsonlFile({ path: trail })], spoolDir, serviceName: 'svc', integrity: {} });
    install.tracing([new SimpleSpanProcessor(made)]);
    for (let i = 0; i < 3; i++) await withToolCall('lookup', { i }, () => i);
    const { streamId, publicKey, keyId } = integrityOf(made);
    await made.shutdown();

    const events = backend.events();
    expect(events.length).toBe(4); // three tool calls and the close
    const last = events.at(-1)!;
    expect(last.type).toBe('custom');
    expect(last.payload).toMatchObject({ name: 'audit.checkpoint', 'audit.checkpoint.kind': 'close', 'audit.checkpoint.stream_id': streamId, 'audit.checkpoint.sequence': 3, 'audit.integrity.key_id': keyId });
    expect(events.map((e) => e.payload['audit.stream.id'])).toEqual(events.map(() => streamId));
    expect(events.map((e) => e.payload['audit.sequence.number'])).toEqual([1, 2, 3, 4]);
    expect(events[0]!.payload).not.toHaveProperty('audit.sequence.prev_hash');
    expect(events.slice(1).every((e) => typeof e.payload['audit.sequence.prev_hash'] === 'string')).toBe(true);
    expect(integrityOf(made)).toMatchObject({ sequence: 4, checkpoints: 1 });

    const report = await verifyTrailSource(trail, { publicKeys: [publicKey] });
    expect(report).toMatchObject({ ok: true, keysPinned: true, events: 4, signedBy: [keyId] });
    expect(report.streams).toEqual([expect.objectContaining({ streamId, ok: true, tail: 'closed', gaps: [], modified: [], unsignedTail: 0 })]);
  });

  it('a trail checked against another key fails: the pin means something', async ({ install }) => {
    const trail = join(freshSpoolDir(), 'trail.jsonl');
    const made = exporter({ backends: [jsonlFile({ path: trail })], spoolDir: freshSpoolDir(), serviceName: 'svc', integrity: {} });
    install.tracing([new SimpleSpanProcessor(made)]);
    await withToolCall('lookup', {}, () => 1);
    await made.shutdown();
    expect((await verifyTrailSource(trail, { publicKeys: [ed25519Key().publicKey] })).ok).toBe(false);
  });

  it('signed with a process key (the given key unusable), still verifies with that key', async ({ install }) => {
    const trail = join(freshSpoolDir(), 'trail.jsonl');
    const made = exporter({ backends: [jsonlFile({ path: trail })], spoolDir: freshSpoolDir(), serviceName: 'svc', integrity: { signingKey: 'not-a-key' } });
    install.tracing([new SimpleSpanProcessor(made)]);
    await withToolCall('lookup', {}, () => 1);
    const { publicKey } = integrityOf(made);
    await made.shutdown();
    const report = await verifyTrailSource(trail, { publicKeys: [publicKey] });
    expect(report.ok).toBe(true);
    expect(report.streams[0]!.tail).toBe('closed');
  });

  it('signed with the PEM key given, verifies with its public key', async ({ install }) => {
    const key = ed25519Key();
    const trail = join(freshSpoolDir(), 'trail.jsonl');
    const made = exporter({ backends: [jsonlFile({ path: trail })], spoolDir: false, integrity: { signingKey: key.pem } });
    install.tracing([new SimpleSpanProcessor(made)]);
    await withToolCall('lookup', {}, () => 1);
    await made.shutdown();
    expect(await verifyTrailSource(trail, { publicKeys: [key.publicKey] })).toMatchObject({ ok: true, signedBy: [key.keyId] });
  });

  it('checkpointEvery puts a periodic checkpoint after that many events', async ({ install }) => {
    const backend = recordingBackend();
    const made = exporter({ backends: [backend], spoolDir: false, integrity: { signingKey: ed25519Key().pem, checkpointEvery: 2 } });
    install.tracing([new SimpleSpanProcessor(made)]);
    for (let i = 0; i < 2; i++) await withToolCall('lookup', { i }, () => i);
    await made.forceFlush();
    const kinds = backend.events().map((e) => (isCheckpoint(e) ? e.payload['audit.checkpoint.kind'] : e.type));
    expect(kinds).toEqual(['tool_call', 'tool_call', 'periodic']);
    expect(integrityOf(made).checkpoints).toBe(1);
  });

  it('checkpointIntervalMillis puts a periodic checkpoint after events even when no more come', async ({ install }) => {
    const backend = recordingBackend();
    const made = exporter({ backends: [backend], spoolDir: false, integrity: { signingKey: ed25519Key().pem, checkpointIntervalMillis: 30 } });
    install.tracing([new SimpleSpanProcessor(made)]);
    await withToolCall('lookup', {}, () => 1);
    await vi.waitFor(() => expect(backend.events().filter(isCheckpoint).map((e) => e.payload['audit.checkpoint.kind'])).toEqual(['periodic']), { timeout: 5_000 });
    expect(backend.events().at(-1)!.payload['audit.checkpoint.sequence']).toBe(1);
  });

  it('an exporter that sent nothing adds no close at shutdown', async () => {
    const backend = recordingBackend();
    const made = exporter({ backends: [backend], spoolDir: false, integrity: { signingKey: ed25519Key().pem } });
    await made.shutdown();
    expect(backend.events()).toEqual([]);
  });
});

describe('integrity: false', () => {
  it('leaves no chain fields in any payload, no checkpoint, no key and no warning', async ({ install }) => {
    const warnings = keyWarnings();
    const spoolDir = freshSpoolDir();
    const backend: RecordingBackend = recordingBackend();
    const made = exporter({ backends: [backend], spoolDir, serviceName: 'svc', integrity: false });
    install.tracing([new SimpleSpanProcessor(made)]);
    for (let i = 0; i < 3; i++) await withToolCall('lookup', { i }, () => i);
    await made.shutdown();

    const events = backend.events();
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event.payload).not.toHaveProperty('audit.stream.id');
      expect(event.payload).not.toHaveProperty('audit.sequence.number');
    }
    expect(events.some(isCheckpoint)).toBe(false);
    expect(made.stats()).not.toHaveProperty('integrity');
    expect(readdirSync(join(spoolDir, 'svc'))).not.toContain(KEY_FILE);
    await nextTick();
    expect(warnings).toEqual([]);
  });
});
