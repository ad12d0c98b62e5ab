// The two tools and the prompts every framework scenario (issue 13) runs:
// the model asks for the weather (answered by a real HTTP service), then for
// the forecast (whose service is down: the tool throws), then answers.
// framework-trail.ts holds the model's side of the script and the trail the
// run must leave.
import { getWeather } from './weather-service.mjs';

export const MODEL = 'gpt-4o-mini';
export const SYSTEM_PROMPT = 'You are a weather assistant. Use tools for facts.';
export const QUESTION = 'What is the weather in Oslo, and the forecast?';
export const AGENT = 'weather-agent';

/** What the failing tool throws. */
export const FORECAST_FAILURE = 'forecast service unavailable';

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  run: (args) => getWeather(args),
};

export const FORECAST_TOOL = {
  name: 'get_forecast',
  description: "Tomorrow's forecast for a city",
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  run: async () => {
    throw new Error(FORECAST_FAILURE);
  },
};
