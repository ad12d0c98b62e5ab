/**
 * The trust options (redaction, tamper evidence), resolved: option > env >
 * default through the option table. A bad value in code throws, naming the
 * option; a bad env value is reported through `report` and its default
 * applies. Every environment here is a plain object, never `process.env`.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_WARNING_CODE } from '../../../src/config/config-warning.js';
import { DEFAULTS } from '../../../src/config/defaults.js';
import type { AuditConfig } from '../../../src/config/option-table.js';
import { resolveConfig, type ConfigProblem, type EnvSource } from '../../../src/config/resolve-env.js';
import { resolveIntegrity, resolveRedaction, type RedactionOptions } from '../../../src/config/resolve-trust.js';
import { isAuditError } from '../../../src/errors.js';
import { BUILTIN_RULES, SECRET_KEY_NAMES } from '../../../src/redact/builtin-rules.js';
import { Redactor, type RedactionCounts, type RedactorConfig } from '../../../src/redact/redactor.js';
import { processWarnings } from '../../support/spool-warnings.js';

/** A fake OpenAI project key, assembled so no scanner takes this file for a leak. */
const OPENAI_KEY = 'sk-' + 'proj-' + 'Qx7vB2mN9pL4tR8wZ1cF5hJ3kD6sG0aE' + 'yU2iO4pA';
const BUILTIN_NAMES = BUILTIN_RULES.map((rule) => rule.name);

/** The config of `env`, and every problem reported while resolving it. */
function configOf(env: EnvSource = {}): { config: AuditConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config = resolveConfig(env, (problem) => problems.push(problem));
  return { config, problems };
}

/** `text` through a redactor built from `config`, with what it counted. */
function redact(config: RedactorConfig | undefined, text: string): { text: string; counts: RedactionCounts } {
  if (config === undefined) throw new Error('redaction is off');
  const counts: RedactionCounts = {};
  return { text: new Redactor(config).text(text, counts), counts };
}

/** `value` (deep) through a redactor built from `config`. */
function redactValue(config: RedactorConfig | undefined, value: unknown): unknown {
  if (config === undefined) throw new Error('redaction is off');
  return new Redactor(config).value(value, {});
}

/** What `fn` threw, so a test can look at its code and message. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

/** Process warnings with the configuration code, from now until the test ends (they are emitted on the next tick). */
function configWarnings(): string[] {
  return processWarnings(CONFIG_WARNING_CODE, (warning) => warning.message);
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('resolveRedaction', () => {
  describe('defaults', () => {
    it('with no options and no env: every built-in rule, mask mode, the built-in secret key names, the content limit given', () => {
      const { config, problems } = configOf();
      const resolved = resolveRedaction(undefined, 4096, config);
      expect(problems).toEqual([]);
      expect(resolved?.rules.map((rule) => rule.name)).toEqual(BUILTIN_NAMES);
      expect(resolved).toMatchObject({ mode: 'mask', allow: [], keyNames: [SECRET_KEY_NAMES], maxLength: 4096 });
      expect(resolved).not.toHaveProperty('hashKey');
      expect(redact(resolved, `key ${OPENAI_KEY} mail bob@example.com`)).toEqual({
        text: 'key [REDACTED:openai_key] mail [REDACTED:email]',
        counts: { openai_key: 1, email: 1 },
      });
    });

    it('an empty options object is the defaults too', () => {
      const { config } = configOf();
      expect(resolveRedaction({}, 4096, config)).toEqual(resolveRedaction(undefined, 4096, config));
    });
  });

  describe('turning it off', () => {
    it('`false` turns it off, whatever the env says', () => {
      expect(resolveRedaction(false, 4096, configOf().config)).toBeUndefined();
      expect(resolveRedaction(false, 4096, configOf({ OTEL_AGENT_AUDIT_REDACTION: 'true' }).config)).toBeUndefined();
    });

    it('env OTEL_AGENT_AUDIT_REDACTION=false turns it off when no options are passed (any case)', () => {
      expect(resolveRedaction(undefined, 4096, configOf({ OTEL_AGENT_AUDIT_REDACTION: 'false' }).config)).toBeUndefined();
      expect(resolveRedaction(undefined, 4096, configOf({ OTEL_AGENT_AUDIT_REDACTION: 'FALSE' }).config)).toBeUndefined();
    });

    it('with env off, an options object (even an empty one) still turns it on', () => {
      const { config } = configOf({ OTEL_AGENT_AUDIT_REDACTION: 'false' });
      const resolved = resolveRedaction({}, 4096, config);
      expect(resolved?.rules.map((rule) => rule.name)).toEqual(BUILTIN_NAMES);
      expect(redact(resolveRedaction({ disable: ['email'] }, 4096, config), `${OPENAI_KEY} bob@example.com`).text).toBe('[REDACTED:openai_key] bob@example.com');
    });

    it('a bad OTEL_AGENT_AUDIT_REDACTION is reported and redaction stays on', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION: 'nope' });
      expect(problems).toEqual([expect.objectContaining({ option: 'redaction', envKey: 'OTEL_AGENT_AUDIT_REDACTION', fallback: true })]);
      expect(resolveRedaction(undefined, 4096, config)).toBeDefined();
    });

    it.each([['yes'], [1], [null], [true]])('throws INVALID_OPTION naming `redaction` for %j', (value) => {
      const error = thrown(() => resolveRedaction(value as unknown as RedactionOptions, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain("option 'redaction'");
    });
  });

  describe('disable', () => {
    it('removes the named built-in rules, and only those', () => {
      const resolved = resolveRedaction({ disable: ['email', 'ip_address'] }, 4096, configOf().config);
      expect(resolved?.rules.map((rule) => rule.name)).toEqual(BUILTIN_NAMES.filter((name) => name !== 'email' && name !== 'ip_address'));
      expect(redact(resolved, 'bob@example.com from 203.0.113.7, card 4111 1111 1111 1111').text).toBe('bob@example.com from 203.0.113.7, card [REDACTED:payment_card]');
    });

    it('an unknown rule name in code throws INVALID_OPTION naming it and the option', () => {
      const error = thrown(() => resolveRedaction({ disable: ['email', 'no_such_rule'] }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain("'no_such_rule'");
      expect((error as Error).message).toContain('redaction.disable');
    });

    it('a name that is not lower snake case in code throws INVALID_OPTION naming redaction.disable', () => {
      const error = thrown(() => resolveRedaction({ disable: ['Email'] }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain("option 'redaction.disable'");
    });

    it('env OTEL_AGENT_AUDIT_REDACTION_DISABLE is a comma-separated list (blanks and empty items ignored)', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_DISABLE: ' email , ,phone,' });
      expect(problems).toEqual([]);
      const names = resolveRedaction(undefined, 4096, config)?.rules.map((rule) => rule.name);
      expect(names).toEqual(BUILTIN_NAMES.filter((name) => name !== 'email' && name !== 'phone'));
    });

    it('a code value wins over the env value', () => {
      const { config } = configOf({ OTEL_AGENT_AUDIT_REDACTION_DISABLE: 'email' });
      const names = resolveRedaction({ disable: ['phone'] }, 4096, config)?.rules.map((rule) => rule.name);
      expect(names).toContain('email');
      expect(names).not.toContain('phone');
    });

    it('an unknown rule name in env is warned about (CONFIG code) and ignored; the known ones still apply', async () => {
      const warnings = configWarnings();
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_DISABLE: 'email,not_a_rule_env' });
      expect(problems).toEqual([]); // the list is well formed: the name is checked at resolution
      const names = resolveRedaction(undefined, 4096, config)?.rules.map((rule) => rule.name);
      expect(names).toEqual(BUILTIN_NAMES.filter((name) => name !== 'email'));
      await nextTick();
      expect(warnings).toEqual([expect.stringContaining("'not_a_rule_env'")]);
      expect(warnings[0]).toContain('OTEL_AGENT_AUDIT_REDACTION_DISABLE');
    });

    it('a malformed env list (not lower snake case) is reported and ignored', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_DISABLE: 'Email,IP-Address' });
      expect(problems).toEqual([expect.objectContaining({ option: 'redactionDisable', envKey: 'OTEL_AGENT_AUDIT_REDACTION_DISABLE' })]);
      expect(resolveRedaction(undefined, 4096, config)?.rules.map((rule) => rule.name)).toEqual(BUILTIN_NAMES);
    });
  });

  describe('patterns', () => {
    it('a string pattern becomes a rule of that name that redacts every match, after the built-in rules', () => {
      const resolved = resolveRedaction({ patterns: { order_id: 'ORD-\\d{6}' } }, 4096, configOf().config);
      expect(resolved?.rules.map((rule) => rule.name)).toEqual([...BUILTIN_NAMES, 'order_id']);
      expect(resolved?.rules.at(-1)).toMatchObject({ name: 'order_id', kind: 'secret' });
      expect(redact(resolved, 'orders ORD-123456 and ORD-654321, not ORD-12')).toEqual({
        text: 'orders [REDACTED:order_id] and [REDACTED:order_id], not ORD-12',
        counts: { order_id: 2 },
      });
    });

    it('a RegExp keeps its flags (and gets `g`), and its `secret` group is what is redacted', () => {
      const resolved = resolveRedaction({ patterns: { ticket: /ticket (?<secret>tk-\d{4})/i } }, 4096, configOf().config);
      expect(redact(resolved, 'Ticket TK-1234 and ticket tk-5678')).toEqual({
        text: 'Ticket [REDACTED:ticket] and ticket [REDACTED:ticket]',
        counts: { ticket: 2 },
      });
    });

    it('a rule name that is not lower snake case in code throws INVALID_OPTION naming redaction.patterns', () => {
      const error = thrown(() => resolveRedaction({ patterns: { 'Order-Id': 'ORD-\\d+' } }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain('redaction.patterns');
    });

    it('a pattern that does not compile in code throws INVALID_OPTION naming redaction.patterns', () => {
      const error = thrown(() => resolveRedaction({ patterns: { broken: '(' } }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain('redaction.patterns');
    });

    it('env OTEL_AGENT_AUDIT_REDACTION_PATTERNS is a JSON object of regex sources', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_PATTERNS: JSON.stringify({ employee_id: 'E-\\d{6}', badge: 'BDG\\d{4}' }) });
      expect(problems).toEqual([]);
      const resolved = resolveRedaction(undefined, 4096, config);
      expect(resolved?.rules.slice(-2).map((rule) => rule.name)).toEqual(['employee_id', 'badge']);
      expect(redact(resolved, 'E-123456 wears BDG0042').text).toBe('[REDACTED:employee_id] wears [REDACTED:badge]');
    });

    it.each([
      ['not JSON', 'employee_id=E-\\d{6}'],
      ['a JSON array', '["E-\\\\d{6}"]'],
      ['an invalid regex', '{"broken":"("}'],
      ['a rule name that is not lower snake case', '{"Employee":"E-\\\\d{6}"}'],
      ['a pattern that is not a string', '{"employee_id":42}'],
    ])('env patterns that are %s are reported, naming the variable, and ignored', (_what, raw) => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_PATTERNS: raw });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ option: 'redactionPatterns', envKey: 'OTEL_AGENT_AUDIT_REDACTION_PATTERNS' });
      expect(problems[0]!.message).toContain('OTEL_AGENT_AUDIT_REDACTION_PATTERNS=');
      expect(resolveRedaction(undefined, 4096, config)?.rules.map((rule) => rule.name)).toEqual(BUILTIN_NAMES);
    });
  });

  describe('keys', () => {
    it('an exact key name redacts the string under it, in any case, and nothing under a longer name', () => {
      const resolved = resolveRedaction({ keys: ['customerRef'] }, 4096, configOf().config);
      expect(redactValue(resolved, { customerRef: 'C-77', CUSTOMERREF: 'C-78', customerrefs: 'C-79', nested: { customerref: 'C-80' } })).toEqual({
        customerRef: '[REDACTED:secret_field]',
        CUSTOMERREF: '[REDACTED:secret_field]',
        customerrefs: 'C-79',
        nested: { customerref: '[REDACTED:secret_field]' },
      });
    });

    it('an exact name is matched literally, not as a pattern', () => {
      const resolved = resolveRedaction({ keys: ['a.b'] }, 4096, configOf().config);
      expect(redactValue(resolved, { 'a.b': 'x1', axb: 'x2' })).toEqual({ 'a.b': '[REDACTED:secret_field]', axb: 'x2' });
    });

    it('a RegExp key is used as written', () => {
      const resolved = resolveRedaction({ keys: [/^internal_/] }, 4096, configOf().config);
      expect(redactValue(resolved, { internal_note: 'n1', INTERNAL_NOTE: 'n2' })).toEqual({ internal_note: '[REDACTED:secret_field]', INTERNAL_NOTE: 'n2' });
    });

    it('the built-in secret key names stay on beside them', () => {
      const resolved = resolveRedaction({ keys: ['customerRef'] }, 4096, configOf().config);
      expect(resolved?.keyNames?.[0]).toBe(SECRET_KEY_NAMES);
      expect(redactValue(resolved, { password: 'hunter2hunter2' })).toEqual({ password: '[REDACTED:secret_field]' });
    });

    it('env OTEL_AGENT_AUDIT_REDACTION_KEYS is comma-separated exact names', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_KEYS: 'customer_ref, Member-Id' });
      expect(problems).toEqual([]);
      expect(redactValue(resolveRedaction(undefined, 4096, config), { CUSTOMER_REF: 'r', 'member-id': 'm', other: 'o' })).toEqual({
        CUSTOMER_REF: '[REDACTED:secret_field]',
        'member-id': '[REDACTED:secret_field]',
        other: 'o',
      });
    });

    it('an empty string among the keys in code throws INVALID_OPTION naming redaction.keys', () => {
      const error = thrown(() => resolveRedaction({ keys: [''] }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain("option 'redaction.keys'");
    });
  });

  describe('allow', () => {
    it('an allowed exact match is kept; other matches of the same rule are still redacted', () => {
      const resolved = resolveRedaction({ allow: ['support@example.com'] }, 4096, configOf().config);
      expect(redact(resolved, 'write to support@example.com, not bob@example.com')).toEqual({
        text: 'write to support@example.com, not [REDACTED:email]',
        counts: { email: 1 },
      });
    });

    it('an allowed RegExp keeps only matches it matches in full', () => {
      const resolved = resolveRedaction({ allow: [/[a-z]+@example\.org/] }, 4096, configOf().config);
      expect(redact(resolved, 'ann@example.org bob@example.org.evil.com').text).toBe('ann@example.org [REDACTED:email]');
    });

    it('env OTEL_AGENT_AUDIT_REDACTION_ALLOW is comma-separated exact strings', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_ALLOW: 'support@example.com,noc@example.com' });
      expect(problems).toEqual([]);
      expect(redact(resolveRedaction(undefined, 4096, config), 'support@example.com noc@example.com bob@example.com').text).toBe(
        'support@example.com noc@example.com [REDACTED:email]',
      );
    });
  });

  describe('mode', () => {
    it("'hash' with a key: a keyed 16-hex token per secret", () => {
      const resolved = resolveRedaction({ mode: 'hash', hashKey: 'k1' }, 4096, configOf().config);
      expect(resolved).toMatchObject({ mode: 'hash', hashKey: 'k1' });
      expect(redact(resolved, `use ${OPENAI_KEY}`).text).toMatch(/^use \[REDACTED:openai_key:[0-9a-f]{16}\]$/);
    });

    it("'hash' without a key in code throws INVALID_OPTION naming the key option", () => {
      const error = thrown(() => resolveRedaction({ mode: 'hash' }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain('redaction.hashKey');
      expect((error as Error).message).toContain('OTEL_AGENT_AUDIT_REDACTION_HASH_KEY');
    });

    it("'hash' in code takes its key from env OTEL_AGENT_AUDIT_REDACTION_HASH_KEY", () => {
      const { config } = configOf({ OTEL_AGENT_AUDIT_REDACTION_HASH_KEY: 'from-env' });
      expect(resolveRedaction({ mode: 'hash' }, 4096, config)).toMatchObject({ mode: 'hash', hashKey: 'from-env' });
    });

    it('env OTEL_AGENT_AUDIT_REDACTION_MODE=hash with a key from env (any case)', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_MODE: 'HASH', OTEL_AGENT_AUDIT_REDACTION_HASH_KEY: 'env-key' });
      expect(problems).toEqual([]);
      expect(resolveRedaction(undefined, 4096, config)).toMatchObject({ mode: 'hash', hashKey: 'env-key' });
    });

    it('env hash mode without a key is warned about (CONFIG code, never throws) and masks instead', async () => {
      const warnings = configWarnings();
      const { config } = configOf({ OTEL_AGENT_AUDIT_REDACTION_MODE: 'hash' });
      const resolved = resolveRedaction(undefined, 4096, config);
      expect(resolved?.mode).toBe('mask');
      expect(redact(resolved, `use ${OPENAI_KEY}`).text).toBe('use [REDACTED:openai_key]');
      await nextTick();
      expect(warnings).toEqual([expect.stringContaining('OTEL_AGENT_AUDIT_REDACTION_HASH_KEY')]);
    });

    it('an unknown env mode is reported and the default (mask) applies', () => {
      const { config, problems } = configOf({ OTEL_AGENT_AUDIT_REDACTION_MODE: 'sha256' });
      expect(problems).toEqual([expect.objectContaining({ option: 'redactionMode', envKey: 'OTEL_AGENT_AUDIT_REDACTION_MODE', fallback: 'mask' })]);
      expect(resolveRedaction(undefined, 4096, config)?.mode).toBe('mask');
    });

    it('an unknown mode in code throws INVALID_OPTION naming redaction.mode', () => {
      const error = thrown(() => resolveRedaction({ mode: 'sha256' as 'hash', hashKey: 'k' }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain("option 'redaction.mode'");
    });

    it('the hash key is a credential: a malformed one in code is not echoed', () => {
      const error = thrown(() => resolveRedaction({ mode: 'hash', hashKey: 12345678 as unknown as string }, 4096, configOf().config));
      expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain('redaction.hashKey');
      expect((error as Error).message).not.toContain('12345678');
    });
  });
});

describe('resolveIntegrity', () => {
  it('with no options and no env: on, no signing key, the default checkpoint cadence', () => {
    const { config, problems } = configOf();
    expect(problems).toEqual([]);
    expect(resolveIntegrity(undefined, config)).toEqual({
      signingKey: undefined,
      checkpointEvery: DEFAULTS.checkpointEvery,
      checkpointIntervalMillis: DEFAULTS.checkpointIntervalMillis,
    });
  });

  it('`false` turns it off, whatever the env says', () => {
    expect(resolveIntegrity(false, configOf().config)).toBeUndefined();
    expect(resolveIntegrity(false, configOf({ OTEL_AGENT_AUDIT_INTEGRITY: 'true' }).config)).toBeUndefined();
  });

  it('env OTEL_AGENT_AUDIT_INTEGRITY=false turns it off with no options; an options object still turns it on', () => {
    const { config } = configOf({ OTEL_AGENT_AUDIT_INTEGRITY: 'false' });
    expect(resolveIntegrity(undefined, config)).toBeUndefined();
    expect(resolveIntegrity({}, config)).toEqual({ signingKey: undefined, checkpointEvery: 1000, checkpointIntervalMillis: 10_000 });
  });

  it('reads the signing key and the checkpoint cadence from env', () => {
    const { config, problems } = configOf({
      OTEL_AGENT_AUDIT_SIGNING_KEY: '/etc/agent/audit-key.pem',
      OTEL_AGENT_AUDIT_CHECKPOINT_EVERY: '50',
      OTEL_AGENT_AUDIT_CHECKPOINT_INTERVAL_MILLIS: '2500',
    });
    expect(problems).toEqual([]);
    expect(resolveIntegrity(undefined, config)).toEqual({ signingKey: '/etc/agent/audit-key.pem', checkpointEvery: 50, checkpointIntervalMillis: 2500 });
  });

  it('a code value wins over env, field by field', () => {
    const { config } = configOf({ OTEL_AGENT_AUDIT_SIGNING_KEY: '/env/key.pem', OTEL_AGENT_AUDIT_CHECKPOINT_EVERY: '50' });
    expect(resolveIntegrity({ checkpointEvery: 7 }, config)).toEqual({ signingKey: '/env/key.pem', checkpointEvery: 7, checkpointIntervalMillis: 10_000 });
  });

  it.each([
    ['OTEL_AGENT_AUDIT_CHECKPOINT_EVERY', 'checkpointEvery', '0'],
    ['OTEL_AGENT_AUDIT_CHECKPOINT_EVERY', 'checkpointEvery', 'often'],
    ['OTEL_AGENT_AUDIT_CHECKPOINT_INTERVAL_MILLIS', 'checkpointIntervalMillis', '-1'],
    ['OTEL_AGENT_AUDIT_CHECKPOINT_INTERVAL_MILLIS', 'checkpointIntervalMillis', '1.5'],
  ] as const)('a bad %s (%j → %s) is reported and the default applies', (envKey, option, raw) => {
    const { config, problems } = configOf({ [envKey]: raw });
    expect(problems).toEqual([expect.objectContaining({ option, envKey, fallback: DEFAULTS[option] })]);
    expect(resolveIntegrity(undefined, config)?.[option]).toBe(DEFAULTS[option]);
  });

  it('a bad OTEL_AGENT_AUDIT_INTEGRITY is reported and integrity stays on', () => {
    const { config, problems } = configOf({ OTEL_AGENT_AUDIT_INTEGRITY: 'maybe' });
    expect(problems).toEqual([expect.objectContaining({ option: 'integrity', envKey: 'OTEL_AGENT_AUDIT_INTEGRITY', fallback: true })]);
    expect(resolveIntegrity(undefined, config)).toBeDefined();
  });

  it.each([
    ['checkpointEvery', 0],
    ['checkpointEvery', 2.5],
    ['checkpointIntervalMillis', -5],
  ] as const)('throws INVALID_OPTION naming integrity.%s for %j in code', (field, value) => {
    const error = thrown(() => resolveIntegrity({ [field]: value }, configOf().config));
    expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
    expect((error as Error).message).toContain(`option 'integrity.${field}'`);
  });

  it('a signing key of the wrong type in code throws INVALID_OPTION without echoing it', () => {
    const error = thrown(() => resolveIntegrity({ signingKey: 987654321 as unknown as string }, configOf().config));
    expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
    expect((error as Error).message).toContain('integrity.signingKey');
    expect((error as Error).message).not.toContain('987654321');
  });

  it.each([['on'], [1], [null]])('throws INVALID_OPTION naming `integrity` for %j', (value) => {
    const error = thrown(() => resolveIntegrity(value as unknown as false, configOf().config));
    expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
    expect((error as Error).message).toContain("option 'integrity'");
  });
});
