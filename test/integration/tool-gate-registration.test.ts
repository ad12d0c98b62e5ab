import { expect } from 'vitest';
import { secureagentics, withToolCall } from '../../src/index.js';
import { it } from '../support/audit-test.js';

it("a gate giving up on a slow service does not cancel the agent registration delivery shares", async ({ secureagenticsServer: server, install }) => {
  const agentId = server.addAgent('bot');
  // A slow but working service: registering an agent takes 2.5 s.
  server.script((req) =>
    req.path === '/v1/agents'
      ? { status: 201, delayMillis: 2_500, body: { id: agentId, name: 'bot', framework: 'custom', created_at: new Date().toISOString() } }
      : undefined,
  );
  const backend = secureagentics({ apiKey: server.apiKey, baseUrl: server.url, agentName: 'bot' });
  const { processor } = install.backends([backend], { toolDecision: { backend, failMode: 'open', timeoutMillis: 100 } });
  await withToolCall('lookup', { q: 1 }, () => 1); // runs fail-open after 100 ms; its verdict request started the registration
  await processor.forceFlush();
  expect(server.requests.filter((r) => r.path === '/v1/agents')).toHaveLength(1); // once per agent
  expect(server.allEvents().map((e) => e.type)).toContain('tool_call');
  expect(Object.values(processor.stats().backends)[0]!.retries).toBe(0); // a working service needed no retry
}, 20_000);
