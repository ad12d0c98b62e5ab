/**
 * A real Mastra agent (@mastra/core 1.71 `Agent` + `createTool`, spans through
 * @mastra/otel-bridge into our NodeTracerProvider) runs the framework script —
 * get_weather (ok), get_forecast (throws; Mastra hands the error back to the
 * model and goes on), the answer. It must leave exactly: the agent run as the
 * session (start + end), one prompt and one completion per model call with
 * token counts, one tool_call per executed tool with arguments and result,
 * one error for the failing tool.
 *
 * Mastra needs Node >= 22.13: this file runs on CI's second runtime (Node 24)
 * and skips on Node 20. Its packages live in test/node22 (own package.json and
 * lock file): `npm ci --omit=optional` there, with Node 24, first.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../src/index.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from '../interop/framework-script.js';
import { runScenario, type ScenarioRun } from '../interop/run-scenario.js';
import { responseModelFor } from '../servers/fake-openai-server.js';

const MODEL = 'gpt-4o-mini';
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 13);

const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
const ofType = (run: ScenarioRun, type: string) => run.events.filter((e) => e.type === type).sort(byTime);

const title = supported
  ? 'interop: Mastra agent (@mastra/core + @mastra/otel-bridge)'
  : `interop: Mastra agent: skipped, Mastra needs Node >= 22.13 and this is ${process.version}`;

describe.skipIf(!supported)(title, () => {
  it('yields exactly the expected events', async () => {
    expect(existsSync(new URL('./node_modules/@mastra/core/package.json', import.meta.url)), 'run `npm ci` in test/node22 (with Node >= 22.13) first').toBe(true);
    // runScenario runs test/interop/scenarios/<name>.mjs: this path leads to test/node22/scenarios/mastra.mjs.
    const run = await runScenario('../../node22/scenarios/mastra', { MASTRA_TELEMETRY_DISABLED: '1' }, 'mastra', frameworkReplies());
    const s = FRAMEWORK_SCRIPT;
    expect(run.modelRequests.map((r) => `${r.path} ${r.status}`)).toEqual(Array(3).fill('/v1/chat/completions 200'));
    expect(run.stdout).toContain(`answer: ${s.answer}`);

    expect.soft(run.events.map((e) => e.type).sort()).toEqual([
      'completion', 'completion', 'completion', 'custom', 'custom', 'error', 'prompt', 'prompt', 'prompt', 'tool_call', 'tool_call',
    ]);
    const sessionIds = new Set(run.events.map((e) => e.payload.session_id));
    expect.soft(sessionIds.size).toBe(1);
    expect.soft([...sessionIds][0]).toEqual(expect.any(String));
    expect.soft(new Set(run.events.map((e) => e.trace_id)).size).toBe(1);
    // Mastra's bridge names the agent on its run and model spans, not on tool spans (README, "Supported conventions").
    for (const event of run.events) expect.soft(event.payload.agent_name).toBe(['tool_call', 'error'].includes(event.type) ? undefined : 'weather-agent');

    const [start, end] = ofType(run, 'custom');
    expect.soft(start?.payload).toMatchObject({ name: 'session.start' });
    expect.soft(end?.payload).toMatchObject({ name: 'session.end', outcome: 'success' });

    const prompts = ofType(run, 'prompt');
    const completions = ofType(run, 'completion');
    s.usage.forEach((usage, i) => {
      expect.soft(prompts[i]?.payload).toMatchObject({ model: MODEL, provider: 'openai', token_count: usage.promptTokens });
      expect.soft(completions[i]?.payload).toMatchObject({ model: responseModelFor(MODEL), provider: 'openai', token_count: usage.completionTokens });
      expect.soft(completions[i]?.payload.span_id).toBe(prompts[i]?.payload.span_id);
    });
    expect.soft(completions[2]?.payload.response).toBe(s.answer);

    const [weather, forecast] = ofType(run, 'tool_call');
    expect.soft(weather?.payload).toMatchObject({
      tool_name: s.weather.name, tool_call_id: s.weather.callId, arguments: s.weather.arguments, result: s.weather.result, status: 'ok',
    });
    expect.soft(forecast?.payload).toMatchObject({
      tool_name: s.forecast.name, tool_call_id: s.forecast.callId, arguments: s.forecast.arguments, status: 'error',
    });
    const [error] = ofType(run, 'error');
    expect.soft(error?.payload.message).toContain(s.forecast.failure);
    expect.soft(error?.payload.span_id).toBe(forecast?.payload.span_id);
  });
});
