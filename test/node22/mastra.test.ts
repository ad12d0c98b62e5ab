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
import { expectFrameworkTrail } from '../interop/expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from '../interop/framework-script.js';
import { runScenario } from '../interop/run-scenario.js';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 13);


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

    // Mastra's bridge names the agent on its run and model spans, not on tool spans, and writes the
    // request's messages only on the step span around a model call, not on the call's own (README, "Supported conventions").
    expectFrameworkTrail(run.events, {
      promptText: false,
      agentOf: (e) => (e.type === 'tool_call' || e.type === 'error' ? undefined : 'weather-agent'),
      oneTrace: 'all',
      completionModel: 'answering',
      weather: { tool_name: s.weather.name, tool_call_id: s.weather.callId, arguments: s.weather.arguments, result: s.weather.result },
      forecast: { tool_name: s.forecast.name, tool_call_id: s.forecast.callId, arguments: s.forecast.arguments },
    });
  });
});
