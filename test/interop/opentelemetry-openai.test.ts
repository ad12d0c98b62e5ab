import { describe, expect, it } from 'vitest';
import { expectModelTraffic, expectWeatherTrail } from './expect-weather-trail.js';
import { runScenario } from './run-scenario.js';

// The scenario loads the built package by name: `npm test` builds first.
describe('interop: openai + @opentelemetry/instrumentation-openai', () => {
  it('yields exactly the expected events, with content from log records when capture is on', async () => {
    const run = await runScenario('opentelemetry-openai', { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' });
    expect(run.stdout).toContain('failed call: 500');
    expectModelTraffic(run);
    expectWeatherTrail(run, { provider: 'openai', content: true });
  });

  it('keeps metadata but no message content when capture is off', async () => {
    const run = await runScenario('opentelemetry-openai', {}, 'opentelemetry-openai-no-content');
    expectModelTraffic(run);
    expectWeatherTrail(run, { provider: 'openai', content: false });
  });
});
