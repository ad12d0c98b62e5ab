import { describe, expect, it } from 'vitest';
import { textReply } from '../servers/fake-openai-server.js';
import { runScenario } from './run-scenario.js';

// The scenario loads the built package by name: `npm test` builds first.
describe('interop: Vercel AI SDK generateObject whose output fails its schema', () => {
  it('records the model call and the failure raised after it, each once', async () => {
    const run = await runScenario('vercel-ai-object', {}, 'vercel-ai-object', [textReply('{"orderNumber":"forty-two"}')]);
    expect(run.trail.ok).toBe(true);
    expect(run.stdout, run.stdout + run.stderr).toContain('failed: AI_NoObjectGeneratedError');
    // Batches may arrive out of order (several requests in flight): compared as a set.
    const trail = run.events.map((e) => [e.type, e.type === 'custom' ? e.payload['name'] : e.payload['span_name']]);
    expect(trail.sort()).toEqual([
      ['completion', undefined],
      ['custom', 'session.end'],
      ['custom', 'session.start'],
      ['error', 'ai.generateObject'],
      ['prompt', undefined],
    ]);
    const error = run.events.find((e) => e.type === 'error')!;
    expect(error.payload).toMatchObject({ error_type: 'AI_NoObjectGeneratedError', handled: false });
    expect(String(error.payload['message'])).toMatch(/schema|No object generated/i);
    const completion = run.events.find((e) => e.type === 'completion')!;
    expect(completion.payload).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', provider: 'openai', response: '{"orderNumber":"forty-two"}' });
  });
});
