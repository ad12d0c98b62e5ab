/**
 * The shape of one redaction rule, and its checked, compiled form. Rules are
 * data: the redactor applies them in order, and a rule's `name` is what the
 * audit trail shows in place of the text it matched (`[REDACTED:<name>]`)
 * and the key it is counted under.
 */
import { invalidOption } from '../errors.js';

/** `secret`: credentials, always on. `personal`: personal data, each switchable by the user. */
export type RedactionRuleKind = 'secret' | 'personal';

/**
 * One pattern that finds sensitive text.
 *
 * @example
 * const employeeId: RedactionRule = {
 *   name: 'employee_id',
 *   kind: 'personal',
 *   description: 'ACME employee numbers (E- and six digits)',
 *   pattern: /\bE-\d{6}\b/g,
 *   hint: 'E-',
 * };
 */
export interface RedactionRule {
  /** Lower snake case (`[a-z][a-z0-9_]*`): shown as `[REDACTED:<name>]` and used as the count key. */
  readonly name: string;
  readonly kind: RedactionRuleKind;
  /** One line, for the README's rule table. */
  readonly description: string;
  /**
   * Global (the redactor adds `g` if missing). The secret is the named group
   * `secret` when present and matched, else the whole match, so context such
   * as `Bearer ` or `api_key=` stays readable. A group named `lead` inside a
   * lookbehind extends the secret backwards: the scan can start at a rare
   * character (an IPv6 address's first `:`) and still cover what precedes it.
   */
  readonly pattern: RegExp;
  /**
   * Cheap presence test run before `pattern`: a string that does not contain
   * it (a substring, or a RegExp that does not test true) skips the rule.
   * Must be implied by every match of `pattern`, or matches are missed.
   */
  readonly hint?: string | RegExp;
  /**
   * Second look at a candidate (Luhn, mod-97, entropy …); default: accept.
   * `match` is the whole match, for rules whose test depends on the context
   * (which key name preceded the value). A rule whose `accept` throws is
   * treated as matched: redaction fails closed.
   */
  readonly accept?: (secret: string, match: string) => boolean;
}

/** A validated rule, ready to run: the form the redactor keeps (not part of the public API). */
export interface CompiledRule {
  readonly name: string;
  /** The rule's pattern with `g` and `d` (the `secret` group's position), without `y`. */
  readonly pattern: RegExp;
  readonly hint: string | RegExp | undefined;
  readonly accept: RedactionRule['accept'];
}

/** What a rule name looks like: lower snake case. */
export const RULE_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Checks `rule` and compiles it; `option` names it in the error.
 *
 * @throws {AuditError} `INVALID_OPTION` naming the field that is wrong.
 * @example
 * compileRule({ name: 'ticket', kind: 'personal', description: 'tickets', pattern: /TCK-\d+/ }, 'redaction.rules[0]');
 */
export function compileRule(rule: RedactionRule, option: string): CompiledRule {
  if (typeof rule !== 'object' || rule === null) throw invalidOption(option, 'a redaction rule', rule);
  if (typeof rule.name !== 'string' || !RULE_NAME.test(rule.name)) throw invalidOption(`${option}.name`, 'lower snake case', rule.name);
  if (rule.kind !== 'secret' && rule.kind !== 'personal') throw invalidOption(`${option}.kind`, "'secret' or 'personal'", rule.kind);
  if (!(rule.pattern instanceof RegExp)) throw invalidOption(`${option}.pattern`, 'a RegExp', rule.pattern);
  const hint = rule.hint;
  if (hint !== undefined && typeof hint !== 'string' && !(hint instanceof RegExp)) {
    throw invalidOption(`${option}.hint`, 'a string or a RegExp', hint);
  }
  if (rule.accept !== undefined && typeof rule.accept !== 'function') throw invalidOption(`${option}.accept`, 'a function', rule.accept);
  return {
    name: rule.name,
    pattern: new RegExp(rule.pattern.source, withoutStateFlags(rule.pattern).flags + 'gd'),
    hint: hint instanceof RegExp ? withoutStateFlags(hint) : hint === '' ? undefined : hint,
    accept: rule.accept,
  };
}

/**
 * A copy of `pattern` without `g`, `y` and `d`, so `test` keeps no state
 * between calls.
 *
 * @example
 * withoutStateFlags(/a/gi).flags; // 'i'
 */
export function withoutStateFlags(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.replace(/[gyd]/g, ''));
}

/**
 * Whether `rule` accepts a candidate. An `accept` that throws counts as a
 * match (fail closed); only an explicit `false` rejects.
 *
 * @example
 * acceptsCandidate(compiled, '4111111111111111', '4111111111111111'); // true when Luhn-valid
 */
export function acceptsCandidate(rule: CompiledRule, secret: string, match: string): boolean {
  if (rule.accept === undefined) return true;
  try {
    return rule.accept(secret, match) !== false;
  } catch {
    return true;
  }
}

/**
 * One case-insensitive alternation of the rules' hints: if it finds
 * nothing, no hint is present and no hinted rule can match, so one regex
 * call replaces one per rule (rules without a hint still run). Undefined
 * when no rule has a hint, or one does not combine safely (flags that change
 * its meaning, back-references whose numbers would shift, a group name used
 * twice).
 *
 * @example
 * hintGate(rules)?.test('gpt-4o-mini'); // false: skip every hinted rule
 */
export function hintGate(rules: readonly CompiledRule[]): RegExp | undefined {
  const parts: string[] = [];
  for (const { hint } of rules) {
    if (hint === undefined) continue;
    if (typeof hint === 'string') parts.push(hint.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
    else if (/[msuv]/.test(hint.flags) || /\\(?:[1-9]|k<)/.test(hint.source)) return undefined;
    else parts.push(`(?:${hint.source})`);
  }
  if (parts.length === 0) return undefined;
  try {
    return new RegExp(parts.join('|'), 'i');
  } catch {
    return undefined;
  }
}
