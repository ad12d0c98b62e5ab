// A real PostgreSQL server for the receiver's tests, started by the test
// itself: Debian's `postgresql` (which .ci/run installs) or the bin folder
// PG_BIN names, on 127.0.0.1 at a free port, with a fresh data folder that is
// removed when it stops. initdb and postgres refuse to run as root, so as root
// they run as the `postgres` user (made by Debian's package), else `nobody`.
// No server, no test: a missing PostgreSQL fails loudly, it is never skipped.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A running test server. */
export interface TestPostgres {
  readonly port: number;
  /** The URL of database `name` on this server. */
  url(name: string): string;
  /** Creates a fresh, empty database and returns its URL. */
  newDatabase(): Promise<string>;
  /** Runs one statement on database `name` (default `postgres`) and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, name?: string): Promise<Row[]>;
  /** Stops the server (fast shutdown) and removes its data folder. */
  stop(): Promise<void>;
}

const USER = 'audit';
let databases = 0;

/** Starts a server; rejects with what to install when there is no PostgreSQL. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findBin();
  const owner = unprivilegedOwner();
  const dir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-pg-'));
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
  const asOwner = owner === undefined ? {} : { uid: owner.uid, gid: owner.gid };
  const data = join(dir, 'data');
  try {
    execFileSync(join(bin, 'initdb'), ['-D', data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...asOwner,
      cwd: dir,
      stdio: 'pipe',
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const output = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`initdb failed, so PostgreSQL could not be started for the test: ${output || (error as Error).message}`);
  }
  const port = await freePort();
  const settings = ['listen_addresses=127.0.0.1', `unix_socket_directories=${dir}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
  const server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
    ...asOwner,
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  server.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = (name: string): string => `postgres://${USER}@127.0.0.1:${port}/${name}`;
  const stop = async (): Promise<void> => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url('postgres'), server, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  const query = async <Row>(sql: string, name = 'postgres'): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: url(name) });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    query,
    newDatabase: async () => {
      const name = `audit_test_${process.pid}_${++databases}`;
      await query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    stop,
  };
}

function findBin(): string {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'postgres'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) {
    throw new Error(
      'these tests need a PostgreSQL server and found none: install Debian\'s postgresql (apt-get install postgresql; .ci/run does) ' +
        'or set PG_BIN to the folder that holds initdb and postgres.',
    );
  }
  return join(root, versions[0], 'bin');
}

/** As root, the user the server runs as; otherwise it runs as whoever runs the tests. */
function unprivilegedOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // no such user: try the next
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`PostgreSQL exited before it accepted connections:\n${log()}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 30 s (${(error as Error).message}):\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => server.kill('SIGKILL'), 10_000);
    server.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    server.kill('SIGINT'); // fast shutdown: ends sessions, no waiting for clients
  });
}
