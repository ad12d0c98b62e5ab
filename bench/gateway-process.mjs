// The audit gateway for (i), in its own process as it is deployed:
// `node bench/gateway-process.mjs <receiver URL> <agent id>`. Spool on (a
// folder of its own, so no earlier run's events are delivered), redaction and
// the hash chain at the library defaults, one Secureagentics backend pointed
// at the local receiver. Prints its URL first, for processes.mjs; closes
// (delivering what it holds) on SIGTERM and exits, so `--cpu-prof` can write
// its profile.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secureagentics } from 'otel-agent-audit';
import { startAuditGateway } from 'otel-agent-audit/gateway';

const [baseUrl, agentId] = process.argv.slice(2);
const spoolDir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-gateway-spool-'));
const gateway = await startAuditGateway({
  port: 0,
  spoolDir,
  // A key of its own in memory: without one the gateway makes a key file and prints a notice.
  integrity: { signingKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  announceDelivery: false,
  backends: [secureagentics({ apiKey: 'bench', baseUrl, agentId })],
});
console.log(`audit gateway listening on ${gateway.url}`);
process.on('SIGTERM', async () => {
  await gateway.close();
  rmSync(spoolDir, { recursive: true, force: true });
  process.exit(0);
});
