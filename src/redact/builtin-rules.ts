/**
 * The rules every audit event is redacted with: credentials first (always
 * on), then personal data (each switchable). Shapes follow the providers'
 * documented key formats (the facts gitleaks' rules also encode); the
 * `accept` checks keep look-alikes out: Luhn for cards, mod-97 for IBANs,
 * character mix or entropy for keys.
 *
 * Every pattern is linear: bounded or possessive-in-effect quantifiers, no
 * nested ambiguous repetition, so a hostile 16 KB string cannot stall the
 * export path. Where it can, a pattern starts with a literal or a narrow
 * class and checks its word boundary in a lookbehind after it (or, for
 * emails and IPv6, starts at the `@` or `:` with the text before as `lead`):
 * V8 skips through text to such a start, while a leading lookbehind or
 * alternation is tried at every position, 5–100× slower on prose. Hints are
 * substrings where one exists: `includes` costs far less than a regex call.
 */
import { ibanValid, luhnValid, shannonEntropy } from './checksums.js';
import type { RedactionRule } from './redaction-rule.js';

/** `password` → `[Pp][Aa]…`: case-insensitive names without the `i` flag, so camelCase humps stay detectable. */
function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

function oneOf(names: readonly string[]): string {
  return `(?:${names.join('|')})`;
}

/** `Password` → `P[Aa]…`: the same name starting a camelCase hump. */
function capitalised(word: string): string {
  return word[0]!.toUpperCase() + anyCase(word.slice(1));
}

/** Between a name and its value: `=`, `:`, `:=`, `=>`, each side optionally quoted (also `\"` in JSON-in-a-string). */
const SEP = String.raw`(?:\\?["'])?[ \t]*(?:=>|:=|[:=])[ \t]*(?:\\?["'])?`;
const KEY = anyCase('key');
/** HTTP authentication schemes: after `Authorization:` the credential is what follows one, never the word itself. */
const SCHEME = '(?:bearer|basic|token|digest|negotiate)';
const AZURE_KEY_NAME = `${anyCase('azure')}[A-Za-z0-9_.-]{0,30}?${KEY}|${anyCase('api-key')}|${anyCase('ocp-apim-subscription-key')}`;
const KEY_PREFIXES = ['api', 'access', 'secret', 'private', 'auth', 'client', 'signing', 'encryption', 'master', 'subscription', 'account', 'app'];

/** The names generic_secret looks after: key/token names first (`secret_key` before `secret`), then password names. */
function secretNames(first: (word: string) => string): string {
  return oneOf([
    `${oneOf(KEY_PREFIXES.map(first))}[_.-]?${KEY}`,
    first('token'),
    `${first('credential')}[sS]?`,
    ...['password', 'passwd', 'passphrase', 'pwd', 'secret'].map(first),
  ]);
}
const SECRET_NAME = secretNames(anyCase);
// The word-start check sits behind the name, so the scan looks for a name's
// letters first: ten times faster on prose than a leading lookbehind.
const SECRET_NAME_AT_START = `${SECRET_NAME}(?<=(?:^|[^A-Za-z0-9])${SECRET_NAME}|[a-z0-9]${secretNames(capitalised)})`;

/** Upper, lower and digit all present: real keys are random base62; slugs and words are not. */
// Keys of OpenAI-compatible servers (and demo keys) are often lower case: letters and digits both suffice after `sk-`.
function lettersAndDigits(secret: string): boolean {
  return /\d/.test(secret) && /[A-Za-z]/.test(secret.slice(3));
}

const PLACEHOLDER_VALUES = new Set([
  'null', 'none', 'nil', 'true', 'false', 'undefined', 'string', 'str', 'number', 'int', 'integer', 'bool',
  'boolean', 'any', 'object', 'bytes', 'secretstr', 'required', 'optional', 'redacted', 'hidden', 'masked',
]);

/** Values that name or type a secret rather than being one: `${DB_PASSWORD}`, `os.environ[`, `string`, `****`. */
function placeholderOrCode(value: string): boolean {
  return (
    PLACEHOLDER_VALUES.has(value.toLowerCase()) ||
    /^(.)\1*$/.test(value) ||
    /^(?:\$[{A-Za-z_]|\{\{|%[(A-Za-z_])/.test(value) ||
    /^[A-Za-z_$][\w$]*(?:\(|\[|\.[A-Za-z_$])/.test(value)
  );
}

/** A digit-free identifier (`DEFAULT_TOKEN_VALUE`, `tokenizerOutput`): code, not a key. */
function identifierLike(value: string): boolean {
  if (/\d/.test(value) || !/^[A-Za-z_$][\w$]*$/.test(value)) return false;
  if (value.includes('_')) return true;
  const upper = value.replace(/[^A-Z]/g, '').length;
  return upper * 4 <= value.length; // random letters are about half upper case
}

/** Password names take any value of ≥ 4 chars (a quoted one may hold spaces); key and token names need ≥ 12 chars of entropy ≥ 3. */
function acceptGeneric(secret: string, match: string): boolean {
  if (placeholderOrCode(secret)) return false;
  const name = /^[A-Za-z0-9_.-]*/.exec(match)?.[0] ?? '';
  if (/(?:password|passwd|passphrase|pwd|secret)$/i.test(name)) return !/^(?:\/|~\/|\.\.?\/|[A-Za-z]:\\)/.test(secret);
  // A quoted value with spaces under a key/token name is prose (`"token": "Hello there"`), not a key.
  return secret.length >= 12 && !/\s/.test(secret) && shannonEntropy(secret) >= 3 && !identifierLike(secret);
}

/** 13–19 digits in an issuer range (first digit 2–6, so millisecond timestamps stay) with a valid Luhn check. */
export function isCardNumber(digits: string): boolean {
  const bare = digits.replace(/[ -]/g, '');
  return bare.length >= 13 && bare.length <= 19 && /^[2-6]\d+$/.test(bare) && luhnValid(bare);
}

function acceptPhone(secret: string): boolean {
  const digits = secret.replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15;
}

function acceptIp(secret: string): boolean {
  if (secret.includes('.')) return !/^(?:127\.|0\.0\.0\.0$|255\.255\.255\.255$)/.test(secret); // loopback and wildcard name no one
  const halves = secret.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  if (halves.length === 1 ? groups.length !== 8 : groups.length > 7) return false; // times (10:30:45) and MACs have fewer
  // `Abc::Def`, `a[1::2]`: code, not an address. A real one has a digit and ≥ 4 hex digits in ≥ 2 groups.
  return groups.length >= 2 && /\d/.test(secret) && groups.join('').length >= 4;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/**
 * An IPv6 candidate: hex groups and colons ending in hex, scanned from its
 * first colon (rare in prose; hex letters are everywhere) with the first
 * group as the `lead` behind it; at least two colons, so a time (10:30)
 * is no candidate. The grammar (8 groups, or fewer with one
 * `::`) is checked in `accept`: one cheap pattern instead of nine
 * alternatives tried at every hex letter.
 */
const IPV6 = String.raw`:(?<=(?<![\w:.])(?<lead>[0-9A-Fa-f]{0,4}):)[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]{0,36}[0-9A-Fa-f](?![\w]|:[0-9A-Fa-f:])`;
/** After the first octet: `v1.2.3.4`, `version 1.2.3.4`, `__version__ = "1.2.3.4"` are versions, not addresses. */
const NOT_AFTER_VERSION = String.raw`(?<!(?:[Vv]ersion|VERSION|[Vv]er|[Rr]elease|[Bb]uild)\w{0,3}[ :="'@]{1,4}\d{1,3})`;

function rule(r: RedactionRule): RedactionRule {
  return Object.freeze(r);
}

/** Credential rules, most specific first: a provider key is named before `bearer_token` or `generic_secret` could claim it. */
export const SECRET_RULES: readonly RedactionRule[] = Object.freeze([
  rule({
    name: 'private_key', kind: 'secret', hint: '-----BEGIN',
    description: 'PEM/OpenSSH/PGP private key blocks, also a block cut short by truncation (BEGIN to the end)',
    pattern: /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g,
  }),
  rule({
    name: 'anthropic_key', kind: 'secret', hint: '-ant-',
    description: 'Anthropic API, admin and OAuth keys (sk-ant-api03-…, sk-ant-admin01-…)',
    pattern: /sk-ant-(?<![A-Za-z0-9]sk-ant-)(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_-]{20,}/g,
  }),
  rule({
    name: 'openai_key', kind: 'secret', hint: 'k-', accept: lettersAndDigits,
    description: 'OpenAI keys: legacy sk-…, project sk-proj-…, service account sk-svcacct-…, admin sk-admin-…',
    pattern: /sk-(?<![A-Za-z0-9]sk-)(?!ant-)[A-Za-z0-9][A-Za-z0-9_-]{19,}/g,
  }),
  rule({
    name: 'github_token', kind: 'secret', hint: '_',
    description: 'GitHub tokens: classic ghp_/gho_/ghu_/ghs_/ghr_ and fine-grained github_pat_',
    pattern: /g(?<![A-Za-z0-9]g)(?:h[pousr]_[A-Za-z0-9]{30,}|ithub_pat_[A-Za-z0-9_]{30,})/g,
  }),
  rule({
    name: 'gitlab_token', kind: 'secret', hint: 'gl',
    description: 'GitLab tokens: glpat-, gldt-, glptt-, glrt-, glcbt-, glft-, glimt-, glagent-, gloas-, glsoat-, glffct-',
    pattern: /gl(?<![A-Za-z0-9]gl)(?:pat|dt|ptt|rt|cbt|ft|imt|agent|oas|soat|ffct)-[A-Za-z0-9_.-]{20,}/g,
  }),
  rule({
    name: 'slack_webhook', kind: 'secret', hint: 'hooks.slack.com',
    description: 'Slack incoming-webhook and workflow URLs (the path after hooks.slack.com/services/)',
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<secret>[A-Za-z0-9_\/+-]{20,})/g,
  }),
  rule({
    name: 'slack_token', kind: 'secret', hint: 'x', accept: (s) => /\d/.test(s),
    description: 'Slack bot, user, app and config tokens (xoxb-, xoxp-, xoxa-, xoxs-, xoxe-, xapp-)',
    pattern: /x(?<![A-Za-z0-9]x)(?:ox[abposre]-[A-Za-z0-9-]{10,}|app-\d-[A-Za-z0-9-]{10,})/g,
  }),
  rule({
    name: 'stripe_key', kind: 'secret', hint: '_',
    description: 'Stripe secret, restricted and publishable keys (sk_/rk_/pk_ live or test) and webhook secrets (whsec_)',
    pattern: /(?:[srp]k_(?:live|test)|whsec)_(?<![A-Za-z0-9](?:[srp]k_(?:live|test)|whsec)_)[A-Za-z0-9]{10,}/g,
  }),
  rule({
    name: 'google_api_key', kind: 'secret', hint: 'AIza',
    description: 'Google API keys (AIza + 35 characters)',
    pattern: /AIza(?<![A-Za-z0-9_-]AIza)[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g,
  }),
  rule({
    name: 'aws_access_key', kind: 'secret', hint: /A[KSBC][IC]A/,
    description: 'AWS access key ids (AKIA/ASIA/ABIA/ACCA + 16)',
    pattern: /A(?:KIA|SIA|BIA|CCA)(?<![A-Za-z0-9]A[A-Z]{3})[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  }),
  rule({
    name: 'aws_secret_key', kind: 'secret', hint: /secret/i,
    description: 'AWS secret access keys (40 characters) after aws_secret_access_key / SecretAccessKey / secret_key',
    pattern: new RegExp(
      `${anyCase('secret')}(?<=(?:^|[^A-Za-z0-9])${anyCase('secret')}|[A-Za-z0-9]S${anyCase('ecret')})[_.-]?(?:${anyCase('access')}[_.-]?)?${KEY}${SEP}(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'g',
    ),
  }),
  rule({
    name: 'azure_key', kind: 'secret', hint: /key/i,
    accept: (s) => s.length >= 32 && shannonEntropy(s) >= 3,
    description: 'Azure storage/Service Bus AccountKey= and SharedAccessKey=, Azure OpenAI and Cognitive Services keys after api-key / Ocp-Apim-Subscription-Key / AZURE_…_KEY',
    pattern: new RegExp(
      `(?:(?:AccountKey|SharedAccessKey)=(?<![A-Za-z0-9](?:AccountKey|SharedAccessKey)=)|(?:${AZURE_KEY_NAME})(?<=(?:^|[^A-Za-z0-9-])(?:${AZURE_KEY_NAME}))${SEP})(?<secret>[A-Za-z0-9+/]{20,}={0,2})`,
      'g',
    ),
  }),
  rule({
    name: 'npm_token', kind: 'secret', hint: 'm_',
    description: 'npm access tokens (npm_ + 36)',
    pattern: /npm_(?<![A-Za-z0-9]npm_)[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
  }),
  rule({
    name: 'huggingface_token', kind: 'secret', hint: 'hf_', accept: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s.slice(3)),
    description: 'Hugging Face access tokens (hf_ + 34 letters)',
    pattern: /hf_(?<![A-Za-z0-9]hf_)[A-Za-z0-9]{30,40}(?![A-Za-z0-9])/g,
  }),
  rule({
    name: 'sendgrid_key', kind: 'secret', hint: 'SG.',
    description: 'SendGrid API keys (SG.<22>.<43>)',
    pattern: /SG\.(?<![A-Za-z0-9]SG\.)[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  }),
  rule({
    name: 'twilio_key', kind: 'secret', hint: 'SK',
    description: 'Twilio API key SIDs (SK + 32 hex)',
    pattern: /SK(?<![A-Za-z0-9]SK)[0-9a-fA-F]{32}(?![A-Za-z0-9])/g,
  }),
  rule({
    name: 'jwt', kind: 'secret', hint: 'yJ',
    description: 'JSON Web Tokens (three base64url parts, the first starting eyJ)',
    pattern: /eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  }),
  rule({
    name: 'url_credentials', kind: 'secret', hint: '://',
    description: 'The user:password of scheme://user:password@host (scheme and host stay readable)',
    // `://` first, the scheme checked behind it: the scan jumps from colon to colon.
    pattern: /:\/\/(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/)(?<secret>[^\s\/?#@:"'<>\[\]]*:[^\s\/?#"'<>\[\]]+)@/g,
  }),
  rule({
    name: 'bearer_token', kind: 'secret', hint: /authorization|bearer/i,
    description: 'The credential after Authorization: (Bearer|Basic|Token …), and after a bare Bearer when it looks like a token',
    // After an Authorization name any value counts (the scheme word is skipped,
    // and not taken for the credential once that is a token); after a bare
    // Bearer only a token-like one (≥ 8 chars with a digit, or ≥ 20 chars),
    // so prose such as "the bearer of this letter" stays.
    pattern: new RegExp(
      `(?:(?:proxy-)?authorization(?<=(?:^|[^A-Za-z0-9_-])(?:proxy-)?authorization)${SEP}(?:${SCHEME}[ \\t]+|(?!${SCHEME}(?![A-Za-z0-9])))|bearer(?<=(?:^|[^A-Za-z0-9_-])bearer)[ \\t]+(?=[A-Za-z0-9._~+/-]{8})(?=[A-Za-z0-9._~+/-]{20}|[A-Za-z._~+/-]{0,200}\\d))(?<secret>[A-Za-z0-9._~+/-]{4,}=*)`,
      'gi',
    ),
  }),
  rule({
    // The hint scans for `:`/`=` and looks behind for a name's last letters: prose has colons, rarely `token:`.
    name: 'generic_secret', kind: 'secret', hint: /[:=](?<=(?:ord|wd|ase|ret|key|ken|ials?)(?:\\?["'])?[ \t]*[:=])/i, accept: acceptGeneric,
    description: 'A value after a password/secret name (≥ 4 chars) or an api_key/token/credentials name (≥ 12 chars, entropy ≥ 3), in text, code or JSON-in-a-string',
    pattern: new RegExp(
      `${SECRET_NAME_AT_START}${SEP}(?<secret>(?<=["'])[^"'\\n\\\\]{4,200}(?=\\\\?["'])|[^\\s"'\`\\\\<>,;&]{3,}[^\\s"'\`\\\\<>,;&.)\\]}])`,
      'g',
    ),
  }),
]);

/** Personal-data rules, each switchable by name; all on by default. */
export const PERSONAL_DATA_RULES: readonly RedactionRule[] = Object.freeze([
  rule({
    name: 'email', kind: 'personal', hint: '@', accept: (s) => !/@\d+x\.|^git@/.test(s),
    description: 'Email addresses (not image names like icon@2x.png, git@host remotes, or ssh://user@host)',
    // From the `@`, with the local part as the `lead` behind it: scanning for the local part first is 100× slower on prose.
    pattern: /@(?<=(?<![A-Za-z0-9._%+-])(?<!\/\/)(?<lead>[A-Za-z0-9._%+-]{1,64})@)(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
  }),
  rule({
    name: 'iban', kind: 'personal', hint: /[A-Z]{2}\d{2}/, accept: ibanValid,
    description: 'IBANs, with or without spaces, checked by country length and mod-97',
    pattern: /[A-Z]{2}\d{2}(?<![A-Za-z0-9][A-Z]{2}\d{2})(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g,
  }),
  rule({
    name: 'payment_card', kind: 'personal', hint: /\d{4}/, accept: isCardNumber,
    description: 'Payment card numbers, 13–19 digits plain or grouped with spaces/dashes, Luhn-checked',
    pattern: /\d(?<![\w.,+-]\d)(?:\d{12,18}|\d{3}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{3}([ -])\d{6}\2\d{4,5})(?![\w]|[.,-]\d)/g,
  }),
  rule({
    name: 'us_ssn', kind: 'personal', hint: /\d{3}-\d{2}-\d{4}/,
    description: 'US Social Security numbers AAA-GG-SSSS (not 000/666/9xx, 00, 0000)',
    pattern: /(?<![\w.-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w]|-\d)/g,
  }),
  rule({
    name: 'phone', kind: 'personal', hint: /\d[ .()-]{1,2}\d|\+\d/, accept: acceptPhone,
    description: 'Phone numbers: international +… forms, and national forms with separators (NANP, trunk-0)',
    pattern: new RegExp(
      oneOf([
        String.raw`(?<![\w+])\+[1-9]\d{6,14}(?!\d)`,
        String.raw`(?<![\w+])\+[1-9]\d{0,3}(?:[ .-]?\(\d{1,4}\)\d{0,8}|[ .-]\d{1,8}){1,6}(?![\w])`,
        String.raw`(?<![\w.+-])(?:1[ .-])?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\w]|[.-]\d)`,
        String.raw`(?<![\w.+-])(?:0[1-9](?:[ .-]\d{2}){4}|\(?0\d{1,4}\)?[ .-]\d{3,8}(?:[ .-]\d{2,4}){0,3})(?![\w]|[.-]\d)`,
      ]),
      'g',
    ),
  }),
  rule({
    name: 'ip_address', kind: 'personal', hint: /\d\.\d{1,3}\.\d|:[0-9A-Fa-f]{0,4}:/, accept: acceptIp,
    description: 'IPv4 (octets ≤ 255; not after v/version) and IPv6 (full and ::-compressed); loopback and wildcard stay',
    pattern: new RegExp(
      `(?<![\\w.])${OCTET}${NOT_AFTER_VERSION}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)|${IPV6}`,
      'g',
    ),
  }),
]);

/** All built-in rules: secrets first, then personal data. */
export const BUILTIN_RULES: readonly RedactionRule[] = Object.freeze([...SECRET_RULES, ...PERSONAL_DATA_RULES]);

/**
 * Object keys whose string values are secrets whatever they look like
 * (`api_key`, `x-api-key`, `password`, `client_secret`, `access_token`,
 * `authorization`, `set-cookie`, `aws_secret_access_key`, `credentials`, …,
 * with any prefix: `openai_api_key`). The key must END with the name, so
 * `max_tokens`, `token_count`, `gen_ai.usage.output_tokens`, `tokenizer`
 * and `secretary` do not match.
 *
 * @example
 * SECRET_KEY_NAMES.test('OPENAI_API_KEY'); // true
 * SECRET_KEY_NAMES.test('max_tokens');     // false
 */
export const SECRET_KEY_NAMES =
  /(?:password|passwd|passphrase|pwd|secret|token|cookies?|credentials?|authorization|jwt|(?:api|access|secret|private|auth|client|signing|encryption|master|subscription|account)[_.-]?key)$/i;
