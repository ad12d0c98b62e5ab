/**
 * The model's side of the framework scenarios (issue 13): two tool calls,
 * the second of which fails when the agent runs it, then the answer.
 * scenarios/framework-tools.mjs holds the agent's side.
 */
import { textReply, toolCallReply, type ModelReply } from '../servers/fake-openai-server.js';

export const FRAMEWORK_SCRIPT = Object.freeze({
  weather: { name: 'get_weather', callId: 'call_weather_1', arguments: { city: 'Oslo' }, result: { city: 'Oslo', temperature_c: 12, conditions: 'light rain' } },
  forecast: { name: 'get_forecast', callId: 'call_forecast_1', arguments: { city: 'Oslo' }, failure: 'forecast service unavailable' },
  answer: 'It is 12 °C with light rain in Oslo; the forecast service is unavailable.',
  /** Token counts of the three model calls, as the fake server reports them. */
  usage: [
    { promptTokens: 57, completionTokens: 18 },
    { promptTokens: 81, completionTokens: 17 },
    { promptTokens: 112, completionTokens: 21 },
  ],
});

/** Ask for the weather, ask for the forecast, answer. */
export function frameworkReplies(): ModelReply[] {
  const s = FRAMEWORK_SCRIPT;
  return [
    toolCallReply(s.weather.name, s.weather.arguments, { callId: s.weather.callId, usage: s.usage[0] }),
    toolCallReply(s.forecast.name, s.forecast.arguments, { callId: s.forecast.callId, usage: s.usage[1] }),
    textReply(s.answer, { usage: s.usage[2] }),
  ];
}
