import { afterEach, describe, expect, it } from 'vitest';
import { containsEmail, evaluatePolicies, findSecret } from '../../../src/receiver/policies.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';

const NO_TOOLS = new Set<string>();

describe('evaluatePolicies', () => {
  it('allows a clean event', () => {
    expect(evaluatePolicies({ type: 'prompt', payload: { prompt: 'hello' } }, NO_TOOLS)).toEqual({
      decision: 'allow',
      violations: [],
    });
  });

  it('flags an email address anywhere in the payload, naming where', () => {
    const result = evaluatePolicies(
      { type: 'prompt', payload: { messages: [{ content: 'mail me at jane.doe@example.com' }] } },
      NO_TOOLS,
    );
    expect(result.decision).toBe('flag');
    expect(result.violations).toEqual([
      { policy: 'pii.email', reason: 'payload.messages[0].content contains an email address' },
    ]);
  });

  it('flags an sk- key without repeating it', () => {
    const key = 'sk-abcdefghijklmnopqrstuvwx1234';
    const result = evaluatePolicies({ type: 'prompt', payload: { prompt: `use ${key}` } }, NO_TOOLS);
    expect(result.decision).toBe('flag');
    expect(result.violations[0]?.policy).toBe('secret.api_key');
    expect(JSON.stringify(result)).not.toContain(key);
  });

  it('blocks a tool_call to a denied tool with a readable reason', () => {
    const result = evaluatePolicies(
      { type: 'tool_call', payload: { tool_name: 'delete_database', note: 'ops@example.com' } },
      new Set(['delete_database']),
    );
    expect(result.decision).toBe('block');
    expect(result.violations.map((v) => v.policy)).toEqual(['tool.denylist', 'pii.email']);
    expect(result.violations[0]?.reason).toBe("tool 'delete_database' is on the deny list");
  });

  it('does not block the same tool name on other event types', () => {
    const result = evaluatePolicies({ type: 'custom', payload: { tool_name: 'delete_database' } }, new Set(['delete_database']));
    expect(result.decision).toBe('allow');
  });

  it('survives a deeply nested payload', () => {
    let payload: Record<string, unknown> = { leaf: 'a@b.io' };
    for (let i = 0; i < 50_000; i++) payload = { child: payload };
    expect(evaluatePolicies({ type: 'custom', payload }, NO_TOOLS).decision).toBe('flag');
  });
});

describe('containsEmail', () => {
  it.each([
    ['a@b.co', true],
    ['write to first.last+tag@mail.example.org today', true],
    ['@handle on social', false],
    ['user@localhost', false],
    ['no at sign here', false],
  ])('%s → %s', (text, expected) => {
    expect(containsEmail(text)).toBe(expected);
  });

  it('finishes on long runs of local-part characters (a quadratic scan would not)', () => {
    const hostile = ('a'.repeat(200_000) + '@').repeat(5);
    expect(containsEmail(hostile)).toBe(false);
  });
});

describe('findSecret', () => {
  it.each([
    ['sk-proj-' + 'a'.repeat(24)],
    ['AKIA' + 'ABCDEFGHIJKLMNOP'],
    ['ghp_' + 'a1'.repeat(18)],
    ['xoxb-123456789012-abcdef'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abcdef'],
  ])('finds %s', (text) => {
    expect(findSecret(text)).toBeDefined();
  });

  it.each([['sk-short'], ['the task is done'], ['Bearer x']])('ignores %s', (text) => {
    expect(findSecret(text)).toBeUndefined();
  });
});

describe('policies over HTTP', () => {
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.receiver.close();
  });

  it('returns flag for an email, flag for an sk- key and block for a denied tool', async () => {
    client = await startTestReceiver({ deniedTools: ['delete_database'] });
    const agent = await client.registerAgent();
    const reply = await client.request('POST', `/v1/agents/${agent}/events/batch`, {
      events: [
        { type: 'prompt', payload: { prompt: 'contact bob@example.com' } },
        { type: 'prompt', payload: { prompt: 'key sk-0123456789abcdefghijKLMN' } },
        { type: 'tool_call', payload: { tool_name: 'delete_database', arguments: {} } },
        { type: 'tool_call', payload: { tool_name: 'search', arguments: {} } },
      ],
    });
    expect(reply.body.results.map((r: { policy_result: { decision: string } }) => r.policy_result.decision)).toEqual([
      'flag',
      'flag',
      'block',
      'allow',
    ]);
  });
});
