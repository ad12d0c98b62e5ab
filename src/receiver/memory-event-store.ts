/**
 * The {@link EventStore} over the receiver's own {@link AuditStore}: memory,
 * with the JSONL trail when there is a file. Nothing is awaited between the
 * plan and the append, so a concurrent request sees this one's events as
 * stored or pending (on their way to disk), never as absent.
 */
import { planBatch } from './batch-plan.js';
import type { EventRequest, EventStore, StoredEvents } from './event-store.js';
import { ALREADY_DURABLE } from './pending-writes.js';
import type { AuditStore } from './store.js';
import { storageRefusal, TrailWriteError } from './trail-write-error.js';

/**
 * Wraps `store`; closing the wrapper leaves the store open (the receiver closes it).
 *
 * @example
 * const events = memoryEventStore(await AuditStore.open(file, max, notify));
 */
export function memoryEventStore(store: AuditStore): EventStore {
  return {
    hasAgent: (agentId) => store.hasAgent(agentId),
    registerAgent: (registration) => store.registerAgent(registration),
    storeEvents: (agentId, request) => storeInMemory(store, agentId, request),
    listEvents: (agentId, query) => store.listEvents(agentId, query),
    close: () => ALREADY_DURABLE,
  };
}

async function storeInMemory(store: AuditStore, agentId: string, request: EventRequest): Promise<StoredEvents> {
  const plan = planBatch(request.valid, (event) => store.storedRetry(agentId, event), request.toEntry);
  // A repeated event still on its way to disk: answered only once it is there.
  const waits = plan.repeated.map((copy) => copy.durable).filter((durable) => durable !== ALREADY_DURABLE);
  const own = store.appendEvents(agentId, plan.fresh).then(() => request.onStored?.(plan.fresh));
  const [ownOutcome, ...repeated] = await Promise.allSettled([own, ...waits]);
  if (ownOutcome!.status === 'rejected') throw ownOutcome!.reason;
  // This request's own events are stored, but an event it repeats was in a write that failed.
  const lost = repeated.find((outcome) => outcome.status === 'rejected');
  if (lost !== undefined) {
    const reason: unknown = lost.reason;
    if (!request.batch) throw reason;
    throw reason instanceof TrailWriteError ? storageRefusal(reason, { stored: plan.fresh.length }) : reason;
  }
  return { results: plan.results };
}
