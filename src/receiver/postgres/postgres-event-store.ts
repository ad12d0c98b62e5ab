/**
 * The PostgreSQL {@link EventStore}: agents and Secureagentics events in one
 * database that several receivers share. Loaded only when the `store` option
 * asks for it (receiver.ts imports this module dynamically), so neither the
 * library nor a receiver without it loads the driver.
 *
 * A request's events are stored in one transaction and answered once it has
 * committed. Retries are recognised as the memory store recognises them
 * (batch-plan.ts: same `payload.event_id` and content as the newest event
 * under that id), under a transaction-scoped advisory lock per agent, so
 * receivers taking the same retry at once store it once: the second waits
 * for the first to commit, then finds its row.
 */
import pg from 'pg';
import { planBatch } from '../batch-plan.js';
import { eventIdOf } from '../event-id.js';
import { isRetryOf } from '../event-retry.js';
import type { EventRequest, EventStore, StoredEvents } from '../event-store.js';
import { newId } from '../ids.js';
import type { ListQuery } from '../list-query.js';
import type { NoticeSink } from '../operator-notices.js';
import type { AuditStore, EventPage } from '../store.js';
import type { StoredAuditEvent, StoredEntry } from '../stored-event.js';
import { displayStoreUrl, withoutPassword } from '../store-url.js';
import type { AgentRecord } from '../trail.js';
import type { AgentRegistration } from '../validation.js';
import { migrateSchema } from './postgres-schema.js';
import { causeOf, StoreOutage } from './store-outage.js';

const POOL_SIZE = 10;
/** A request waits this long for a connection before it is answered 503. */
const CONNECT_TIMEOUT_MILLIS = 5_000;
/** A statement that takes longer is given up (the request answered 503; its transaction rolls back). */
const QUERY_TIMEOUT_MILLIS = 30_000;

const AGENT_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('otel-agent-audit:agent:' || $1, 0))";
const NEWEST_SQL =
  'SELECT DISTINCT ON (event_id) event_id, json FROM otel_agent_audit_events ' +
  'WHERE agent_id = $1 AND event_id = ANY($2::text[]) ORDER BY event_id, seq DESC';
const INSERT_SQL =
  'INSERT INTO otel_agent_audit_events (id, agent_id, type, event_id, time_micros, json) ' +
  'SELECT u.id, $1, u.type, u.event_id, u.time_micros, u.json ' +
  'FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) WITH ORDINALITY AS u(id, type, event_id, time_micros, json, n) ' +
  'ORDER BY u.n';

/** Agents and events in PostgreSQL, with this receiver's own events mirrored into its memory for the viewer. */
export class PostgresEventStore implements EventStore {
  /** Agents known to exist: they are never deleted, so a yes is kept; a no is asked again. */
  private readonly known = new Set<string>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly mirror: AuditStore,
    private readonly outage: StoreOutage,
  ) {}

  /**
   * Connects, creates or migrates the schema, and returns the store.
   * `mirror` is the receiver's memory (no file): what this receiver stores
   * is indexed there too, for the trail viewer and `events()`.
   *
   * @throws Error naming the URL (without its password) when the database cannot be reached or migrated.
   */
  static async open(url: string, mirror: AuditStore, notify: NoticeSink): Promise<PostgresEventStore> {
    const shown = displayStoreUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MILLIS,
      query_timeout: QUERY_TIMEOUT_MILLIS,
      // The server gives up too: a statement (or a wait for an agent's lock) the client stopped waiting for must not
      // keep holding the lock and a connection slot; nor may a transaction left idle by a dropped client.
      statement_timeout: QUERY_TIMEOUT_MILLIS,
      lock_timeout: QUERY_TIMEOUT_MILLIS,
      idle_in_transaction_session_timeout: 2 * QUERY_TIMEOUT_MILLIS,
    });
    const store = new PostgresEventStore(pool, url, mirror, new StoreOutage(shown, notify));
    // An idle connection the server drops (a restart) is reported here; without a listener it would crash the process.
    pool.on('error', (error) => store.outage.failed(withoutPassword(causeOf(error), url), false));
    try {
      await migrateSchema(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(
        `audit receiver could not open its PostgreSQL store ${shown}: ${withoutPassword(causeOf(error), url)}. ` +
          'Check that the server runs, and the URL, user, password and database.',
      );
    }
    return store;
  }

  async hasAgent(agentId: string): Promise<boolean> {
    if (this.known.has(agentId)) return true;
    const found = await this.run(false, (client) =>
      client.query<{ record: string }>('SELECT record FROM otel_agent_audit_agents WHERE id = $1', [agentId]),
    );
    const row = found.rows[0];
    if (row === undefined) return false;
    this.know(JSON.parse(row.record) as AgentRecord);
    return true;
  }

  async registerAgent(registration: AgentRegistration): Promise<AgentRecord> {
    const record: AgentRecord = { id: newId('agt'), ...registration, created_at: new Date().toISOString() };
    await this.run(true, (client) =>
      client.query('INSERT INTO otel_agent_audit_agents (id, record, created_at) VALUES ($1, $2, $3)', [
        record.id,
        JSON.stringify(record),
        record.created_at,
      ]),
    );
    this.know(record);
    return record;
  }

  async storeEvents(agentId: string, request: EventRequest): Promise<StoredEvents> {
    // Built before the transaction, so an event that cannot be stored (400) refuses the request before any I/O.
    const entries = request.valid.map((event, i) => request.toEntry(event, i));
    const eventIds = [...new Set(request.valid.map((event) => eventIdOf(event.payload)).filter((id) => id !== undefined))];
    const plan = await this.run(true, async (client) => {
      await client.query('BEGIN');
      const newest = new Map<string, string>();
      if (eventIds.length > 0) {
        // Lock, then read in the next statement: under READ COMMITTED each statement sees what committed before it began.
        await client.query(AGENT_LOCK_SQL, [agentId]);
        const found = await client.query<{ event_id: string; json: string }>(NEWEST_SQL, [agentId, eventIds]);
        for (const row of found.rows) newest.set(row.event_id, row.json);
      }
      const planned = planBatch(
        request.valid,
        (event) => {
          const eventId = eventIdOf(event.payload);
          const json = eventId === undefined ? undefined : newest.get(eventId);
          return json !== undefined && isRetryOf(JSON.parse(json) as StoredAuditEvent, event) ? { json } : undefined;
        },
        (_event, i) => entries[i]!,
      );
      if (planned.fresh.length > 0) await client.query(INSERT_SQL, insertParameters(agentId, planned.fresh));
      await client.query('COMMIT');
      return planned;
    });
    if (plan.fresh.length > 0) this.mirror.appendEvents(agentId, plan.fresh);
    request.onStored?.(plan.fresh);
    return { results: plan.results };
  }

  async listEvents(agentId: string, query: ListQuery): Promise<EventPage> {
    const parameters: unknown[] = [agentId];
    const conditions = ['agent_id = $1'];
    const add = (sql: string, value: unknown): void => {
      parameters.push(value);
      conditions.push(`${sql} $${parameters.length}`);
    };
    if (query.type !== undefined) add('type =', query.type);
    if (query.fromMicros !== undefined) add('time_micros >=', query.fromMicros);
    if (query.toMicros !== undefined) add('time_micros <=', query.toMicros);
    const where = conditions.join(' AND ');
    parameters.push(query.limit, query.offset);
    const page = `$${parameters.length - 1} OFFSET $${parameters.length}`;
    // One statement, one snapshot: the page and the total agree.
    const sql =
      `WITH page AS (SELECT json, time_micros, seq FROM otel_agent_audit_events WHERE ${where} ORDER BY time_micros, seq LIMIT ${page}) ` +
      `SELECT (SELECT count(*) FROM otel_agent_audit_events WHERE ${where}) AS total, ` +
      'ARRAY(SELECT json FROM page ORDER BY time_micros, seq) AS items';
    const found = await this.run(false, (client) => client.query<{ total: string; items: string[] }>(sql, parameters));
    const row = found.rows[0]!;
    return { items: row.items, total: Number(row.total) };
  }

  /** Waits for the connections in use and closes them all. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Runs `work` on one pooled connection. A failure rolls back, drops the
   * connection (it may be broken) and becomes a 503, reported to the operator.
   */
  private async run<T>(writing: boolean, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient | undefined;
    // A connection that breaks between two statements emits 'error' rather than failing a query: unheard, it would crash the process.
    const ignore = (): void => undefined;
    let result: T;
    try {
      client = await this.pool.connect();
      client.on('error', ignore);
      result = await work(client);
      client.off('error', ignore);
      client.release();
    } catch (error) {
      // Dropping the connection rolls its transaction back; a ROLLBACK could wait on a connection that hangs.
      client?.off('error', ignore);
      client?.release(true);
      throw this.outage.failed(withoutPassword(causeOf(error), this.url), writing);
    }
    // Outside the try: the client is released once, whatever saying the recovery does.
    this.outage.succeeded();
    return result;
  }

  private know(record: AgentRecord): void {
    this.known.add(record.id);
    this.mirror.adoptAgent(record);
  }
}

function insertParameters(agentId: string, entries: readonly StoredEntry[]): unknown[] {
  return [
    agentId,
    entries.map((entry) => entry.event.id),
    entries.map((entry) => entry.event.type),
    entries.map((entry) => eventIdOf(entry.event.payload) ?? null),
    entries.map((entry) => entry.timestampMicros),
    entries.map((entry) => entry.json),
  ];
}
