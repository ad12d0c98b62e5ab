import type { Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { it as base } from '../../support/audit-test.js';

/** `identity`: the identity stamped on the events of a GenAI tool span with these extra attributes. */
const it = base.extend('identity', ({ spanEvents }) => (attributes: Attributes): { sessionId?: string; agentName?: string; agentId?: string } => {
  const [event] = spanEvents({ scope: 'x', name: 'execute_tool t', attributes: { 'gen_ai.operation.name': 'execute_tool', ...attributes } });
  return { sessionId: event!.sessionId, agentName: event!.agentName, agentId: event!.agentId };
});

describe('session and agent identity from the conventions', () => {
  // `for`, not `each`: only `for` hands the test its fixtures (after the row).
  it.for<[key: string]>([
    ['gen_ai.conversation.id'],
    ['session.id'],
    ['ai.telemetry.metadata.sessionId'],
    ['traceloop.association.properties.session_id'],
    ['langsmith.metadata.session_id'],
    ['langsmith.metadata.thread_id'],
    ['langsmith.metadata.conversation_id'],
  ])('reads the session id from %s', ([key], { identity }) => {
    expect(identity({ [key]: 's-1' }).sessionId).toBe('s-1');
  });

  it('prefers a convention\'s own session id over gen_ai.conversation.id (the enclosing withSession\'s stamp)', ({ identity }) => {
    expect(identity({ 'session.id': 'theirs', 'gen_ai.conversation.id': 'ours', 'traceloop.association.properties.session_id': 'x' }).sessionId).toBe('theirs');
    expect(identity({ 'gen_ai.conversation.id': 'ours' }).sessionId).toBe('ours');
    expect(identity({ 'traceloop.association.properties.session_id': 'tl', 'ai.telemetry.metadata.sessionId': 'v' }).sessionId).toBe('v');
  });

  it('reads agent names and ids, and not the Vercel functionId or LangSmith project', ({ identity }) => {
    expect(identity({ 'agent.name': 'planner' }).agentName).toBe('planner');
    expect(identity({ 'ai.telemetry.metadata.agentName': 'writer', 'ai.telemetry.metadata.agentId': 'a-1' })).toMatchObject({ agentName: 'writer', agentId: 'a-1' });
    expect(identity({ 'gen_ai.agent.name': 'ours', 'agent.name': 'theirs' }).agentName).toBe('ours');
    expect(identity({ 'ai.telemetry.functionId': 'route', 'langsmith.trace.session_id': 'project' })).toEqual({ sessionId: undefined, agentName: undefined, agentId: undefined });
  });

  it('skips ids that are empty or not text', ({ identity }) => {
    expect(identity({ 'gen_ai.conversation.id': '', 'session.id': ['a'], 'ai.telemetry.metadata.sessionId': 'v' }).sessionId).toBe('v');
  });
});
