// The stores the receiver's API tests run against: memory (the JSONL trail's
// index) and PostgreSQL, on a real server this file's tests start, with a
// fresh database per receiver. Used as `describe.each(receiverStores())`.
import { afterAll, beforeAll } from 'vitest';
import type { AuditReceiverOptions } from '../../../src/receiver/receiver.js';
import { startTestPostgres, type TestPostgres } from '../../support/test-postgres.js';

/** A store's name and the receiver options that select it (a fresh, empty store each call). */
export type StoreCase = [name: string, options: () => Promise<AuditReceiverOptions>];

/** Registers the server's start and stop in the calling file; call at its top level. */
export function receiverStores(): StoreCase[] {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return [
    ['memory', async () => ({})],
    ['postgres', async () => ({ store: await server!.newDatabase() })],
  ];
}
