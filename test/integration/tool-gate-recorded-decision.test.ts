import { describe, expect } from 'vitest';
import { secureagentics, withSession, withToolCall } from '../../src/index.js';
import { auditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import { it as base } from '../support/audit-test.js';
import { FAST_RETRY } from '../support/tracing.js';

/** `server`: the Secureagentics test server, blocking `delete_user`. */
const it = base.extend('server', ({ secureagenticsServer: server }) => {
  server.setPolicy((event) =>
    event.type === 'tool_call' && event.payload['tool_name'] === 'delete_user'
      ? { decision: 'block', violations: [{ policy: 'tool.denylist', reason: 'on the deny list' }] }
      : { decision: 'allow', violations: [] },
  );
  return server;
});

describe('a gated tool span', () => {
  // README: the verdict is recorded with `audit.decision.fail_mode` on every gated span, not only when the fail mode applied.
  it('records the fail mode with every verdict: allow, block, and the setup-wide gate', async ({ server, install }) => {
    const backend = secureagentics({ apiKey: server.apiKey, baseUrl: server.url, agentName: 'ops-bot' });
    const processor = auditSpanProcessor({ backends: [backend], ...FAST_RETRY, toolDecision: { backend, failMode: 'closed' } });
    const tracing = install.tracing([processor]);
    await withSession({ agentName: 'ops-bot' }, async () => {
      await withToolCall('read_user', { id: 1 }, () => 'ok'); // the setup's gate
      await withToolCall('list_users', {}, () => [], { decision: { backend, failMode: 'open' } });
      await Promise.resolve(withToolCall('delete_user', { id: 1 }, () => 'gone')).catch(() => undefined);
    });
    const decided = tracing.memory
      .getFinishedSpans()
      .filter((s) => s.attributes['audit.decision'] !== undefined)
      .map((s) => [s.attributes['gen_ai.tool.name'], s.attributes['audit.decision'], s.attributes['audit.decision.fail_mode']]);
    expect(decided).toEqual([
      ['read_user', 'allow', 'closed'],
      ['list_users', 'allow', 'open'],
      ['delete_user', 'block', 'closed'],
    ]);
    await processor.shutdown();
  });
});
