import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAuditError } from '../../../src/errors.js';
import { BUILTIN_RULES, SECRET_RULES } from '../../../src/redact/builtin-rules.js';
import type { RedactionRule } from '../../../src/redact/redaction-rule.js';
import { addCounts, Redactor, type RedactionCounts } from '../../../src/redact/redactor.js';

const redactor = new Redactor({ rules: BUILTIN_RULES });
const KEY = 'sk-' + 'proj-' + 'Qx7vB2mN9pL4tR8wZ1cF5hJ3kD6sG0aE' + 'yU2iO4pA';

function run<T>(fn: (counts: RedactionCounts) => T): { out: T; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  return { out: fn(counts), counts };
}

describe('Redactor construction', () => {
  it.each([
    ['a rule name that is not snake case', { rules: [{ ...SECRET_RULES[0]!, name: 'Bad-Name' }] }, 'redaction.rules[0].name'],
    ['a rule without a RegExp', { rules: [{ name: 'x', kind: 'secret', description: '', pattern: 'x' }] }, 'redaction.rules[0].pattern'],
    ['hash mode without a key', { rules: [], mode: 'hash' }, 'redaction.hashKey'],
    ['an unknown mode', { rules: [], mode: 'scramble' }, 'redaction.mode'],
    ['a negative maxLength', { rules: [], maxLength: -1 }, 'redaction.maxLength'],
  ])('throws an INVALID_OPTION AuditError for %s', (_, config, option) => {
    let error: unknown;
    try {
      new Redactor(config as never);
    } catch (err) {
      error = err;
    }
    expect(isAuditError(error) && error.code === 'INVALID_OPTION').toBe(true);
    expect((error as Error).message).toContain(option);
  });

  it('accepts a rule pattern without the g flag', () => {
    const rule: RedactionRule = { name: 'ticket', kind: 'personal', description: 'ticket ids', pattern: /TCK-\d{4}/ };
    const { out, counts } = run((c) => new Redactor({ rules: [rule] }).text('TCK-1234 and TCK-5678', c));
    expect(out).toBe('[REDACTED:ticket] and [REDACTED:ticket]');
    expect(counts).toEqual({ ticket: 2 });
  });
});

describe('Redactor.text', () => {
  it('returns the same string and counts nothing when nothing matches', () => {
    const text = 'The weather in Paris is 21 °C; see page 12.';
    const { out, counts } = run((c) => redactor.text(text, c));
    expect(out).toBe(text);
    expect(counts).toEqual({});
  });

  it('replaces only the secret group, so the context stays readable', () => {
    expect(redactor.text(`OPENAI_API_KEY=${KEY}`, {})).toBe('OPENAI_API_KEY=[REDACTED:openai_key]');
    expect(redactor.text('Authorization: Basic dXNlcjpwYXNzd29yZA==', {})).toBe('Authorization: Basic [REDACTED:bearer_token]');
  });

  it('lets the first rule in order name a secret, and counts it once', () => {
    const { out, counts } = run((c) => redactor.text(`Authorization: Bearer ${KEY}`, c));
    expect(out).toBe('Authorization: Bearer [REDACTED:openai_key]');
    expect(counts).toEqual({ openai_key: 1 });
  });

  it('is idempotent: a second pass changes and counts nothing, tokens are never matched again', () => {
    const text = `password=[REDACTED:email] token=${KEY} mail a@b.example.com https://u:p4ss@h.example.com`;
    const once = redactor.text(text, {});
    const { out, counts } = run((c) => redactor.text(once, c));
    expect(out).toBe(once);
    expect(counts).toEqual({});
  });

  it('keeps an allowed secret: equal to a string, or fully matched by a RegExp', () => {
    const allowing = new Redactor({ rules: BUILTIN_RULES, allow: ['support@example.com', /.*@acme\.test/] });
    const { out, counts } = run((c) => allowing.text('support@example.com, ops@acme.test, bob@example.com, x@acme.test.evil.com', c));
    expect(out).toBe('support@example.com, ops@acme.test, [REDACTED:email], [REDACTED:email]');
    expect(counts).toEqual({ email: 2 });
  });

  it('writes an HMAC of the secret in hash mode, so equal secrets correlate', () => {
    const hashing = new Redactor({ rules: BUILTIN_RULES, mode: 'hash', hashKey: 'k1' });
    const digest = createHmac('sha256', 'k1').update('bob@example.com').digest('hex').slice(0, 16);
    const out = hashing.text('bob@example.com wrote to bob@example.com', {});
    expect(out).toBe(`[REDACTED:email:${digest}] wrote to [REDACTED:email:${digest}]`);
    expect(hashing.text(out, {})).toBe(out);
  });

  it('fails closed when a custom accept throws: the candidate is redacted', () => {
    const rule: RedactionRule = {
      name: 'order_ref', kind: 'personal', description: 'order refs', pattern: /ORD-\d+/g,
      accept: () => {
        throw new Error('boom');
      },
    };
    expect(new Redactor({ rules: [rule] }).text('ref ORD-42', {})).toBe('ref [REDACTED:order_ref]');
  });

  it('skips a rule whose hint is absent', () => {
    const rule: RedactionRule = { name: 'never', kind: 'secret', description: 'hinted', pattern: /abc/g, hint: 'zzz' };
    expect(new Redactor({ rules: [rule] }).text('abc', {})).toBe('abc');
  });

  it('never grows a string past max(length, maxLength), cutting at a token boundary with a marker', () => {
    const small = new Redactor({ rules: BUILTIN_RULES, maxLength: 64 });
    const text = Array.from({ length: 12 }, (_, i) => `10.0.0.${i + 1}`).join(' ');
    const { out, counts } = run((c) => small.text(text, c));
    expect(out.length).toBeLessThanOrEqual(Math.max(text.length, 64));
    expect(out).toMatch(/^(\[REDACTED:ip_address\] )*\[REDACTED:truncated\]$/);
    expect(counts.truncated).toBe(1);
    expect(small.text(out, {})).toBe(out);
  });

  it('redacts a private key cut short by truncation, from BEGIN to the end', () => {
    const text = 'key: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIByQ7v2mN9pL4tR8wZ1cF5hJ3kD6sG0aEyU2iO4pA…[truncated 900 chars]';
    expect(redactor.text(text, {})).toBe('key: [REDACTED:private_key]');
  });
});

describe('Redactor.value', () => {
  it('returns the same reference for a value with nothing to redact', () => {
    const value = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4096, ok: true, n: null };
    const { out, counts } = run((c) => redactor.value(value, c));
    expect(out).toBe(value);
    expect(counts).toEqual({});
  });

  it('redacts strings, keys and values under secret key names, copying only the changed path', () => {
    const untouched = { city: 'Paris' };
    const value = { args: { api_key: 'short', 'bob@example.com': 1, note: `use ${KEY}` }, untouched, list: ['a', 'ip 203.0.113.9'] };
    const { out, counts } = run((c) => redactor.value(value, c) as typeof value);
    expect(out).toEqual({
      args: { api_key: '[REDACTED:secret_field]', '[REDACTED:email]': 1, note: 'use [REDACTED:openai_key]' },
      untouched,
      list: ['a', 'ip [REDACTED:ip_address]'],
    });
    expect(out.untouched).toBe(untouched);
    expect(counts).toEqual({ secret_field: 1, email: 1, openai_key: 1, ip_address: 1 });
    expect(redactor.value(out, {})).toBe(out);
  });

  it('redacts every string under a secret key, arrays and objects included', () => {
    const out = redactor.value({ 'set-cookie': ['sid=abc', 'theme=dark'], credentials: { user: 'bob', pin: 1234 } }, {});
    expect(out).toEqual({ 'set-cookie': ['[REDACTED:secret_field]', '[REDACTED:secret_field]'], credentials: { user: '[REDACTED:secret_field]', pin: 1234 } });
  });

  it('keeps two keys that redact to the same token apart', () => {
    expect(redactor.value({ 'a@example.com': 1, 'b@example.com': 2 }, {})).toEqual({ '[REDACTED:email]': 1, '[REDACTED:email]#2': 2 });
  });

  it('turns a Luhn-valid card number into a token, but not a millisecond timestamp or a plain id', () => {
    const { out, counts } = run((c) => redactor.value({ card: 4111111111111111, at: 1718000000000, id: 4111111111111112 }, c));
    expect(out).toEqual({ card: '[REDACTED:payment_card]', at: 1718000000000, id: 4111111111111112 });
    expect(counts).toEqual({ payment_card: 1 });
  });

  it('replaces a cycle, a throwing getter and too-deep nesting with a counted placeholder', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const getter = { ok: 1, get bad(): string { throw new Error('no'); } };
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 70; i++) deep = { deep };
    const { out, counts } = run((c) => redactor.value({ loop, getter, deep }, c) as Record<string, Record<string, unknown>>);
    expect(out.loop).toEqual({ name: 'loop', self: '[REDACTED:unreadable]' });
    expect(out.getter).toEqual({ ok: 1, bad: '[REDACTED:unreadable]' });
    expect(JSON.stringify(out.deep)).toContain('[REDACTED:unreadable]');
    expect(counts.unreadable).toBe(3);
  });

  it('redacts what JSON.stringify would send for a URL, and an Error message', () => {
    const out = redactor.value({ url: new URL('https://bob:hunter22@example.com/x'), error: new Error(`bad key ${KEY}`) }, {});
    expect(out).toEqual({ url: 'https://[REDACTED:url_credentials]@example.com/x', error: { name: 'Error', message: 'bad key [REDACTED:openai_key]' } });
  });

  it('never throws on a revoked proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(redactor.value({ proxy }, {})).toEqual({ proxy: '[REDACTED:unreadable]' });
  });
});

describe('Redactor.sharedValue', () => {
  it('redacts a shared object once and adds its counts on every call', () => {
    const resource = { 'service.name': 'agent', 'host.ip': '203.0.113.5' };
    const first = run((c) => redactor.sharedValue(resource, c));
    const second = run((c) => redactor.sharedValue(resource, c));
    expect(second.out).toBe(first.out);
    expect(first.out).toEqual({ 'service.name': 'agent', 'host.ip': '[REDACTED:ip_address]' });
    expect(second.counts).toEqual({ ip_address: 1 });
  });
});

describe('addCounts', () => {
  it('sums counts per rule', () => {
    const total: RedactionCounts = { email: 1 };
    addCounts(total, { email: 2, jwt: 1 });
    expect(total).toEqual({ email: 3, jwt: 1 });
  });
});

describe('Redactor with a rule that has no hint', () => {
  it('still runs that rule on short strings the hint gate lets pass', () => {
    const custom: RedactionRule = { name: 'order_ref', kind: 'personal', description: 'order refs', pattern: /ORD\d{6}/g };
    const mixed = new Redactor({ rules: [...BUILTIN_RULES, custom] });
    const { out, counts } = run((c) => mixed.text('see ORD123456', c));
    expect(out).toBe('see [REDACTED:order_ref]');
    expect(counts).toEqual({ order_ref: 1 });
    expect(mixed.text('mail bob@example.com', {})).toBe('mail [REDACTED:email]');
  });
});
