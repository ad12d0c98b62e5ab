import { describe, expect, it } from 'vitest';
import { expectModelTraffic, expectWeatherTrail } from './expect-weather-trail.js';
import { runScenario } from './run-scenario.js';

// The scenario loads the built package by name: `npm test` builds first.
describe('interop: openai + OpenLLMetry (@traceloop/instrumentation-openai)', () => {
  // The failed call's span is started and never ended (interop-notes.md): its
  // prompt and error events can only come from the span processor's onStart tracking.
  it('yields exactly the expected events, content included', async () => {
    const run = await runScenario('traceloop-openai');
    expect(run.stdout).toContain('failed call: 500');
    expectModelTraffic(run);
    expectWeatherTrail(run, { provider: 'openai', content: true });
  });
});
