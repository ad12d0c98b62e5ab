/**
 * The PostgreSQL store's tables, created and migrated by the receiver on
 * start. Each entry of {@link MIGRATIONS} is one schema version, applied once
 * in order and recorded in `otel_agent_audit_schema`; a later release adds
 * entries, never edits one. Receivers that start together take turns on a
 * transaction-scoped advisory lock, so no two run `CREATE TABLE` at once
 * (which would race on the catalog even with `IF NOT EXISTS`).
 *
 * Index plan (README "PostgreSQL store"): listings read
 * `(agent_id, time_micros, seq)`, in the order they answer (time, then
 * arrival); retries are found through `(agent_id, event_id, seq)`, the newest
 * first. No time partitioning: see the README for when and how to add it.
 */
import type pg from 'pg';

/** The lock every starting receiver takes before it reads or changes the schema. */
export const SCHEMA_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('otel-agent-audit:schema', 0))";

/** Schema versions: index 0 is version 1. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE otel_agent_audit_agents (
     id text PRIMARY KEY,
     record text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE otel_agent_audit_events (
     seq bigint GENERATED ALWAYS AS IDENTITY,
     id text PRIMARY KEY,
     agent_id text NOT NULL REFERENCES otel_agent_audit_agents (id),
     type text NOT NULL,
     event_id text,
     time_micros bigint NOT NULL,
     stored_at timestamptz NOT NULL DEFAULT now(),
     json text NOT NULL
   );
   CREATE INDEX otel_agent_audit_events_listing ON otel_agent_audit_events (agent_id, time_micros, seq);
   CREATE INDEX otel_agent_audit_events_retry ON otel_agent_audit_events (agent_id, event_id, seq DESC) WHERE event_id IS NOT NULL;`,
];

/** The newest schema version this receiver knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to {@link SCHEMA_VERSION} in one transaction.
 *
 * @throws Error when the database has a newer schema than this receiver
 *   knows, or a statement fails (nothing is then changed).
 */
export async function migrateSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  const ignore = (): void => undefined; // a broken connection fails the next statement instead
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    await client.query(SCHEMA_LOCK_SQL);
    await client.query(
      'CREATE TABLE IF NOT EXISTS otel_agent_audit_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const found = await client.query<{ version: number }>('SELECT coalesce(max(version), 0)::integer AS version FROM otel_agent_audit_schema');
    const current = found.rows[0]!.version;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `the database has schema version ${current}, newer than this receiver knows (${SCHEMA_VERSION}); upgrade otel-agent-audit`,
      );
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query('INSERT INTO otel_agent_audit_schema (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
    client.off('error', ignore);
    client.release();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.off('error', ignore);
    client.release(true);
    throw error;
  }
}
