/**
 * A real Mastra agent (@mastra/core 1.71 `Agent` + `createTool`, spans through
 * @mastra/otel-bridge into our NodeTracerProvider) runs the framework script —
 * get_weather (ok), get_forecast (throws; Mastra hands the error back to the
 * model and goes on), the answer. It must leave exactly: the agent run as the
 * session (start + end), one prompt and one completion per model call with
 * token counts, one tool_call per executed tool with arguments and result,
 * one error for the failing tool — on its own and inside a user's
 * withSession. No LLM-level instrumentation applies to Mastra's model calls
 * (the AI SDK providers it bundles call the model over fetch, no `openai`
 * client; the undici instrumentation, installed, describes only the HTTP
 * request), so there is no with-instrumentation variant.
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
  for (const inSession of [false, true]) {
    it(`yields exactly the expected events, ${inSession ? 'in a withSession (one session: the run is part of it)' : 'on its own (the run is the session)'}`, async () => {
      expect(existsSync(new URL('./node_modules/@mastra/core/package.json', import.meta.url)), 'run `npm ci` in test/node22 (with Node >= 22.13) first').toBe(true);
      // runScenario runs test/interop/scenarios/<name>.mjs: this path leads to test/node22/scenarios/mastra.mjs.
      const env = { MASTRA_TELEMETRY_DISABLED: '1', ...(inSession && { INTEROP_SESSION: '1' }) };
      const run = await runScenario('../../node22/scenarios/mastra', env, inSession ? 'mastra-session' : 'mastra', frameworkReplies());
      const s = FRAMEWORK_SCRIPT;
      expect(run.modelRequests.map((r) => `${r.path} ${r.status}`)).toEqual(Array(3).fill('/v1/chat/completions 200'));
      expect(run.stdout).toContain(`answer: ${s.answer}`);

      // Mastra's bridge names the agent on its run and model spans, not on tool spans. A model call's messages
      // are those of the step span around it, where Mastra writes tool calls and results as placeholders
      // (`[tool-result: get_forecast]`): the question is there, the failure's text is not.
      // In a withSession the run is an agent invoked in the user's session: a GenAI invoke_agent below the session,
      // which is structure (a custom event, no content), as for any GenAI agent span there.
      const invoked = run.events.filter((e) => e.payload.name === 'gen_ai.invoke_agent');
      expect(invoked.map((e) => e.payload.agent_name)).toEqual(inSession ? ['weather-agent'] : []);
      expect(invoked[0]?.payload.prompt).toBeUndefined();
      expectFrameworkTrail(run.events.filter((e) => !invoked.includes(e)), {
        promptText: 'question only',
        agentOf: (e) => (e.type === 'tool_call' || e.type === 'error' ? (inSession ? 'weather-agent' : undefined) : 'weather-agent'),
        oneTrace: 'all',
        completionModel: 'answering',
        weather: { tool_name: s.weather.name, tool_call_id: s.weather.callId, arguments: s.weather.arguments, result: s.weather.result },
        forecast: { tool_name: s.forecast.name, tool_call_id: s.forecast.callId, arguments: s.forecast.arguments },
      });
      const prompts = run.events.filter((e) => e.type === 'prompt').sort((a, b) => a.timestamp.localeCompare(b.timestamp));
      // Each call's prompt is the conversation so far: the later ones hold the earlier tool calls.
      expect(prompts.map((e) => (e.payload.messages as unknown[] | undefined)?.length)).toEqual([2, 4, 6]);
    });
  }
});
