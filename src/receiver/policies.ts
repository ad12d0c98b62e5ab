// Demonstration policies, evaluated synchronously per event as the
// Secureagentics service does (audit-apis.md §1). The service does not
// document `policy_result`; this receiver answers `{decision, violations}`,
// one of the shapes the client reads as a block (`decision: "block"`).

/** The outcome of evaluating one event against the receiver's policies. */
export interface PolicyResult {
  /** `block` if any blocking policy matched, else `flag` if any matched, else `allow`. */
  decision: 'allow' | 'flag' | 'block';
  /** One entry per matching policy, with a human-readable reason. */
  violations: Array<{ policy: string; reason: string }>;
}

/** The event fields policies look at. */
export interface PolicyInput {
  type: string;
  payload: Record<string, unknown>;
}

// Secret shapes, with the words a reason uses for each. Anchored on literal
// prefixes so the regex engine can skip ahead cheaply; none can backtrack
// super-linearly.
const SECRET_PATTERNS: ReadonlyArray<{ pattern: RegExp; label: string }> = [
  { pattern: /sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/, label: 'an API key (sk-…)' },
  { pattern: /AKIA[0-9A-Z]{16}/, label: 'an AWS access key id (AKIA…)' },
  { pattern: /gh[pousr]_[A-Za-z0-9]{36}/, label: 'a GitHub token (ghp_…)' },
  { pattern: /xox[abposr]-[A-Za-z0-9-]{10,}/, label: 'a Slack token (xox…-)' },
  { pattern: /Bearer\s+[A-Za-z0-9._~+/=-]{20,}/, label: 'a bearer token' },
];

// An email is matched around each '@' rather than with one regex over the
// whole string: `[local]+@[domain]` scanned from every start position is
// quadratic on long runs of local-part characters.
const EMAIL_LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const EMAIL_DOMAIN = /(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/y;

/**
 * Evaluates the demonstration policies against one event:
 * `pii.email` and `secret.api_key` flag, `tool.denylist` blocks.
 * Reasons name where in the payload a match was found, never the matched text.
 */
export function evaluatePolicies(event: PolicyInput, deniedTools: ReadonlySet<string>, scanContent = true): PolicyResult {
  const violations: PolicyResult['violations'] = [];
  let decision: PolicyResult['decision'] = 'allow';

  if (event.type === 'tool_call' && deniedTools.size > 0) {
    const tool = event.payload['tool_name'];
    if (typeof tool === 'string' && deniedTools.has(tool)) {
      violations.push({ policy: 'tool.denylist', reason: `tool '${tool}' is on the deny list` });
      decision = 'block';
    }
  }

  const findings: Findings = scanContent ? scanStrings(event.payload) : {};
  if (findings.emailPath !== undefined) {
    violations.push({ policy: 'pii.email', reason: `${findings.emailPath} contains an email address` });
  }
  if (findings.secretPath !== undefined) {
    violations.push({
      policy: 'secret.api_key',
      reason: `${findings.secretPath} contains what looks like ${findings.secretLabel}`,
    });
  }
  if (decision === 'allow' && violations.length > 0) decision = 'flag';
  return { decision, violations };
}

/** Whether `text` contains an email address. */
export function containsEmail(text: string): boolean {
  let at = text.indexOf('@', 1);
  while (at !== -1) {
    if (EMAIL_LOCAL_CHAR.test(text.charAt(at - 1))) {
      EMAIL_DOMAIN.lastIndex = at + 1;
      if (EMAIL_DOMAIN.test(text)) return true;
    }
    at = text.indexOf('@', at + 1);
  }
  return false;
}

// Every secret shape starts with one of these; one scan for them lets the
// common string, which holds no secret, skip the five patterns.
const SECRET_PREFIX = /sk-|AKIA|gh[pousr]_|xox[abposr]-|Bearer\s/;

// On raw JSON text: JSON escapes the whitespace after "Bearer", and a \\u
// escape could spell '@' or a prefix, so either one means "look closer".
const RAW_SUSPECT = /@|\\u|sk-|AKIA|gh[pousr]_|xox[abposr]-|Bearer/;

/**
 * False only when a request's raw JSON text cannot hold an email address or a
 * secret, so its events can skip the per-string scan (most requests: the scan
 * of one text is far cheaper than walking every payload).
 */
export function mayHoldFindings(rawJson: string): boolean {
  return RAW_SUSPECT.test(rawJson);
}

/** The label of the first secret shape found in `text`, if any. */
export function findSecret(text: string): string | undefined {
  if (!SECRET_PREFIX.test(text)) return undefined;
  for (const { pattern, label } of SECRET_PATTERNS) {
    if (pattern.test(text)) return label;
  }
  return undefined;
}

interface Findings {
  emailPath?: string;
  secretPath?: string;
  secretLabel?: string;
}

/**
 * Walks every string value in the payload (iteratively: a deeply nested
 * payload must not overflow the stack) and records the first path where each
 * kind of finding occurs. A string's path is built only when it matches.
 */
function scanStrings(payload: Record<string, unknown>): Findings {
  const findings: Findings = {};
  const stack: Array<{ value: unknown; path: string }> = [{ value: payload, path: 'payload' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) visit(findings, stack, value[i], path, i);
    } else {
      const object = value as Record<string, unknown>;
      for (const key in object) visit(findings, stack, object[key], path, key);
    }
    if (findings.emailPath !== undefined && findings.secretPath !== undefined) break;
  }
  return findings;
}

function visit(
  findings: Findings,
  stack: Array<{ value: unknown; path: string }>,
  child: unknown,
  parentPath: string,
  key: string | number,
): void {
  if (typeof child === 'string') {
    if (findings.emailPath === undefined && child.includes('@') && containsEmail(child)) {
      findings.emailPath = childPath(parentPath, key);
    }
    if (findings.secretPath === undefined) {
      const label = findSecret(child);
      if (label !== undefined) {
        findings.secretPath = childPath(parentPath, key);
        findings.secretLabel = label;
      }
    }
  } else if (typeof child === 'object' && child !== null) {
    stack.push({ value: child, path: childPath(parentPath, key) });
  }
}

function childPath(parentPath: string, key: string | number): string {
  return typeof key === 'number' ? `${parentPath}[${key}]` : `${parentPath}.${key}`;
}
