import { describe, expect, it } from 'vitest';
import { expectModelTraffic, expectWeatherTrail } from './expect-weather-trail.js';
import { runScenario } from './run-scenario.js';

// The scenario loads the built package by name: `npm test` builds first.
describe('interop: Vercel AI SDK (ai + @ai-sdk/openai)', () => {
  // One model call is described twice (ai.generateText and its doGenerate):
  // the trail still holds one prompt and one completion per call.
  it('yields exactly the expected events, content included', async () => {
    const run = await runScenario('vercel-ai');
    expect(run.stdout).toContain('failed call: 500');
    expectModelTraffic(run);
    expectWeatherTrail(run, { provider: 'openai', content: true });
  });
});
