/**
 * The scaffold every HTTP audit backend stands on: its connection to the
 * vendor's API (pool, key header, judged answers: vendor-api.ts), its
 * configuration problem at setup, and configuration failures met while
 * delivering said once per kind (configuration-problems.ts). A vendor's
 * backend adds only what is its own: how a batch goes on the wire and how
 * its answers read.
 */
import type { AuditBackend } from '../model/audit-backend.js';
import type { AuditEvent } from '../model/audit-event.js';
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import { ConfigurationProblems } from './configuration-problems.js';
import type { HttpBackendConfig } from './http-backend-config.js';
import type { HttpVendor } from './http-vendor.js';
import { VendorApi } from './vendor-api.js';

/**
 * An HTTP audit backend. Subclasses set `maxBatchSize` and implement
 * {@link HttpBackend.deliver}; they may add `batchKey` and `decide`.
 *
 * @example
 * class AcmeBackend extends HttpBackend {
 *   readonly maxBatchSize = 1;
 *   constructor(config: HttpBackendConfig) { super(ACME, config); }
 *   protected async deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
 *     const answer = await this.api.post({ path: '/events', affected: '1 event' }, toAcmeEvent(events[0]!), signal);
 *     return answer.ok ? { kind: 'delivered' } : answer.failure;
 *   }
 * }
 */
export abstract class HttpBackend implements AuditBackend {
  readonly name: string;
  abstract readonly maxBatchSize: number;
  readonly configProblem?: string;
  protected readonly api: VendorApi;
  /** Says each kind of configuration failure once; what a subclass reports outside `send` goes through it too. */
  protected readonly problems: ConfigurationProblems;

  protected constructor(vendor: HttpVendor, config: HttpBackendConfig) {
    this.name = vendor.name;
    this.api = new VendorApi(vendor, config);
    if (this.api.unconfigured) this.configProblem = this.api.unconfigured.reason;
    this.problems = new ConfigurationProblems(vendor.name, this.api.unconfigured);
  }

  /** One attempt at `events`; a configuration failure in it is said here, once per kind. Never throws. */
  async send(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    if (this.api.unconfigured) return this.problems.told(this.api.unconfigured);
    if (events.length === 0) return { kind: 'delivered' };
    return this.problems.told(await this.deliver(events, signal));
  }

  /** Closes the connections. */
  shutdown(_signal?: AbortSignal): Promise<void> {
    return this.api.close();
  }

  /**
   * Sends a non-empty batch of at most `maxBatchSize` events (one `batchKey`)
   * to a configured API. Never throws: failures are outcomes.
   */
  protected abstract deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome>;
}
