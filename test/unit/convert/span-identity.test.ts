import { trace, type Attributes } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toAuditEvents } from '../../../src/index.js';
import { installTracing, type TestTracing } from '../../support/tracing.js';

let tracing: TestTracing;

beforeEach(() => {
  tracing = installTracing();
});

afterEach(async () => {
  await tracing.close();
});

/** The identity stamped on the events of a GenAI tool span with these extra attributes. */
function identity(attributes: Attributes): { sessionId?: string; agentName?: string; agentId?: string } {
  tracing.memory.reset();
  trace.getTracer('x').startSpan('execute_tool t', { attributes: { 'gen_ai.operation.name': 'execute_tool', ...attributes } }).end();
  const [event] = toAuditEvents(tracing.memory.getFinishedSpans());
  return { sessionId: event!.sessionId, agentName: event!.agentName, agentId: event!.agentId };
}

describe('session and agent identity from the conventions', () => {
  it.each([
    ['gen_ai.conversation.id'],
    ['session.id'],
    ['ai.telemetry.metadata.sessionId'],
    ['traceloop.association.properties.session_id'],
    ['langsmith.metadata.session_id'],
    ['langsmith.metadata.thread_id'],
    ['langsmith.metadata.conversation_id'],
  ])('reads the session id from %s', (key) => {
    expect(identity({ [key]: 's-1' }).sessionId).toBe('s-1');
  });

  it('prefers a convention\'s own session id over gen_ai.conversation.id (the enclosing withSession\'s stamp)', () => {
    expect(identity({ 'session.id': 'theirs', 'gen_ai.conversation.id': 'ours', 'traceloop.association.properties.session_id': 'x' }).sessionId).toBe('theirs');
    expect(identity({ 'gen_ai.conversation.id': 'ours' }).sessionId).toBe('ours');
    expect(identity({ 'traceloop.association.properties.session_id': 'tl', 'ai.telemetry.metadata.sessionId': 'v' }).sessionId).toBe('v');
  });

  it('reads agent names and ids, and not the Vercel functionId or LangSmith project', () => {
    expect(identity({ 'agent.name': 'planner' }).agentName).toBe('planner');
    expect(identity({ 'ai.telemetry.metadata.agentName': 'writer', 'ai.telemetry.metadata.agentId': 'a-1' })).toMatchObject({ agentName: 'writer', agentId: 'a-1' });
    expect(identity({ 'gen_ai.agent.name': 'ours', 'agent.name': 'theirs' }).agentName).toBe('ours');
    expect(identity({ 'ai.telemetry.functionId': 'route', 'langsmith.trace.session_id': 'project' })).toEqual({ sessionId: undefined, agentName: undefined, agentId: undefined });
  });

  it('skips ids that are empty or not text', () => {
    expect(identity({ 'gen_ai.conversation.id': '', 'session.id': ['a'], 'ai.telemetry.metadata.sessionId': 'v' }).sessionId).toBe('v');
  });
});
