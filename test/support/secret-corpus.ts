/**
 * Fake secrets with the real shapes, and look-alikes that must survive
 * redaction. Every secret is assembled at runtime from a seeded generator
 * and split prefixes, so no provider would accept one and no push-protection
 * scanner finds a literal key in the repository; the shapes (prefixes,
 * lengths, alphabets, check digits) are the providers' documented ones.
 */
import { mulberry32 } from './seeded-random.js';

const random = mulberry32(0x5ec7e7);
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B64URL = ALNUM + '-_';
const B64 = ALNUM + '+/';
const HEX = '0123456789abcdef';

/** `n` characters drawn from `alphabet`, deterministic across runs. */
function draw(n: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** Random but with every class present, as a real random key of that length almost surely has. */
function key(n: number, alphabet = ALNUM): string {
  return 'a' + 'Z' + '7' + draw(n - 3, alphabet);
}

const b64url = (text: string): string => Buffer.from(text).toString('base64url');

function jwt(claims: object): string {
  return [b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })), b64url(JSON.stringify(claims)), draw(43, B64URL)].join('.');
}

/** A digit string of `length` starting with `prefix`, with a valid Luhn check digit (no issuer holds it). */
function card(prefix: string, length: number): string {
  const body = prefix + draw(length - prefix.length - 1, DIGITS);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** An IBAN for a made-up BBAN, with correct mod-97 check digits. */
function iban(country: string, bban: string): string {
  const digits = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return country + String(98 - remainder).padStart(2, '0') + bban;
}

const grouped = (text: string): string => text.replace(/(.{4})(?=.)/g, '$1 ');

function pem(label: string, lines: number): string {
  const body = Array.from({ length: lines }, () => draw(64, B64)).join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
}

const PK = 'PRIVATE' + ' KEY';

export interface CorpusSecret {
  /** The rule expected to claim it. */
  readonly rule: string;
  /** The text that must not survive redaction. */
  readonly secret: string;
  /** How it appears in text (contains `secret`); the secret alone when absent. */
  readonly context?: string;
}

const awsSecret1 = draw(40, B64);
const awsSecret2 = draw(40, B64);
const basicCredential = Buffer.from('deploy-bot:' + key(18)).toString('base64');
const pgCredential = 'app_user:' + key(16, ALNUM + '-');
const redisCredential = ':' + key(20);
const webhookPath = `T${draw(8, UPPER + DIGITS)}/B${draw(10, UPPER + DIGITS)}/${key(24)}`;
const cutKey = `-----BEGIN RSA ${PK}-----\n${draw(64, B64)}\n${draw(40, B64)}`;

/** At least one fake of every secret kind, several per rule, and personal data. */
export const SECRET_CORPUS: readonly CorpusSecret[] = [
  { rule: 'openai_key', secret: 'sk-' + 'proj-' + key(74, B64URL) + 'T3Blbk' + 'FJ' + draw(74, B64URL) },
  { rule: 'openai_key', secret: 'sk-' + key(20) + 'T3Blbk' + 'FJ' + draw(20, ALNUM), context: 'export OPENAI_API_KEY=<s>' },
  { rule: 'openai_key', secret: 'sk-' + 'svcacct-' + key(58, B64URL) + 'T3Blbk' + 'FJ' + draw(58, B64URL) },
  { rule: 'openai_key', secret: 'sk-' + 'admin-' + key(58, B64URL) + 'T3Blbk' + 'FJ' + draw(58, B64URL), context: '{"key":"<s>"}' },
  { rule: 'anthropic_key', secret: 'sk-' + 'ant-' + 'api03-' + key(93, B64URL) + 'AA', context: 'x-api-key: <s>' },
  { rule: 'anthropic_key', secret: 'sk-' + 'ant-' + 'admin01-' + key(93, B64URL) + 'AA' },
  { rule: 'aws_access_key', secret: 'AK' + 'IA' + draw(16, UPPER + '234567'), context: 'aws_access_key_id = <s>' },
  { rule: 'aws_access_key', secret: 'AS' + 'IA' + draw(16, UPPER + '234567'), context: '"AccessKeyId": "<s>"' },
  { rule: 'aws_secret_key', secret: awsSecret1, context: 'aws_secret_access_key = <s>' },
  { rule: 'aws_secret_key', secret: awsSecret2, context: '{"SecretAccessKey": "<s>", "Expiration": "2025-01-01T00:00:00Z"}' },
  { rule: 'github_token', secret: 'gh' + 'p_' + key(36), context: 'git remote set-url origin <s>@git.internal:acme/app.git' },
  { rule: 'github_token', secret: 'gh' + 'o_' + key(36) },
  { rule: 'github_token', secret: 'github' + '_pat_' + key(22) + '_' + draw(59, ALNUM), context: 'GITHUB_TOKEN=<s>' },
  { rule: 'gitlab_token', secret: 'gl' + 'pat-' + key(20, ALNUM + '_-'), context: 'PRIVATE-TOKEN: <s>' },
  { rule: 'gitlab_token', secret: 'gl' + 'dt-' + key(20, ALNUM + '_-') },
  { rule: 'slack_token', secret: 'xo' + 'xb-' + draw(12, DIGITS) + '-' + draw(13, DIGITS) + '-' + key(24) },
  { rule: 'slack_token', secret: 'xa' + 'pp-1-A' + draw(10, UPPER + DIGITS) + '-' + draw(13, DIGITS) + '-' + draw(64, HEX), context: 'SLACK_APP_TOKEN="<s>"' },
  { rule: 'slack_webhook', secret: webhookPath, context: 'webhook hooks.slack.com/services/<s> returned 404' },
  { rule: 'stripe_key', secret: 'sk' + '_live_' + key(99), context: 'Stripe(api_key="<s>")' },
  { rule: 'stripe_key', secret: 'rk' + '_test_' + key(24) },
  { rule: 'stripe_key', secret: 'wh' + 'sec_' + key(32), context: 'STRIPE_WEBHOOK_SECRET=<s>' },
  { rule: 'google_api_key', secret: 'AI' + 'za' + key(35, B64URL), context: 'GET /maps/api/geocode/json?key=<s>' },
  { rule: 'google_api_key', secret: 'AI' + 'za' + 'Sy' + key(33, B64URL) },
  { rule: 'azure_key', secret: key(86, B64) + '==', context: 'DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=<s>;EndpointSuffix=core.windows.net' },
  { rule: 'azure_key', secret: '4f' + draw(30, HEX), context: 'api-key: <s>' },
  { rule: 'npm_token', secret: 'np' + 'm_' + key(36), context: '//registry.npmjs.org/:_authToken=<s>' },
  { rule: 'huggingface_token', secret: 'hf' + '_' + key(34, UPPER + LOWER), context: 'HF_TOKEN=<s>' },
  { rule: 'huggingface_token', secret: 'hf' + '_' + key(34, UPPER + LOWER) },
  { rule: 'sendgrid_key', secret: 'S' + 'G.' + key(22, B64URL) + '.' + draw(43, B64URL) },
  { rule: 'twilio_key', secret: 'S' + 'K' + draw(32, HEX), context: 'TWILIO_API_KEY=<s>' },
  { rule: 'jwt', secret: jwt({ sub: 'user_8812', name: 'Dana', iat: 1_718_000_000 }), context: 'Authorization: Bearer <s>' },
  { rule: 'jwt', secret: jwt({ iss: 'https://auth.example.com', aud: 'api', exp: 1_900_000_000 }), context: 'token expired: <s>' },
  { rule: 'bearer_token', secret: key(40, ALNUM + '-_.'), context: 'Authorization: Bearer <s>' },
  { rule: 'bearer_token', secret: basicCredential, context: 'curl -H "Authorization: Basic <s>" https://api.example.com' },
  { rule: 'bearer_token', secret: draw(40, HEX), context: '{"headers": {"Authorization": "Token <s>"}}' },
  { rule: 'url_credentials', secret: pgCredential, context: 'DATABASE_URL=postgres://<s>@db.internal:5432/prod' },
  { rule: 'url_credentials', secret: redisCredential, context: 'connecting to redis://<s>@cache.internal:6379/0' },
  { rule: 'url_credentials', secret: 'alice:' + key(12), context: 'fetch("https://<s>@api.example.com/v1/items")' },
  { rule: 'private_key', secret: pem(`RSA ${PK}`, 6), context: 'key file:\n<s>\n(end)' },
  { rule: 'private_key', secret: pem(`OPENSSH ${PK}`, 4) },
  { rule: 'private_key', secret: cutKey, context: 'content: <s>' },
  { rule: 'generic_secret', secret: 'Summer2024!', context: 'DB_PASSWORD=<s>' },
  { rule: 'generic_secret', secret: 'correct horse battery staple', context: '{"user": "dana", "password": "<s>"}' },
  { rule: 'generic_secret', secret: key(32, ALNUM), context: 'api_key: <s>' },
  { rule: 'generic_secret', secret: 'q9' + key(22, ALNUM + '~.'), context: '{\\"client_secret\\": \\"<s>\\"}' },
  { rule: 'generic_secret', secret: key(28, ALNUM), context: 'const accessToken = "<s>";' },
  // Personal data.
  { rule: 'email', secret: 'dana.whitfield@example.com', context: 'Reply to <s> by Friday.' },
  { rule: 'email', secret: 'j.o+audit@mail.example.co.uk' },
  { rule: 'email', secret: 'support_team@acme-corp.io', context: '<a href="mailto:<s>">write</a>' },
  { rule: 'phone', secret: '+1 (415) 555-2671', context: 'call <s> after 5pm' },
  { rule: 'phone', secret: '+44 20 7946 0958' },
  { rule: 'phone', secret: '+4930123456' + '78', context: 'tel:<s>' },
  { rule: 'phone', secret: '(212) 555-0187', context: 'Phone: <s>' },
  { rule: 'phone', secret: '020 7946 0958', context: 'Office <s>, ext. 4' },
  { rule: 'payment_card', secret: grouped(card('4', 16)), context: 'card <s> exp 12/27' },
  { rule: 'payment_card', secret: card('51', 16) },
  { rule: 'payment_card', secret: card('37', 15).replace(/^(\d{4})(\d{6})(\d{5})$/, '$1-$2-$3'), context: 'Amex: <s>' },
  { rule: 'iban', secret: grouped(iban('DE', draw(18, DIGITS))), context: 'pay to <s> by Monday' },
  { rule: 'iban', secret: iban('GB', 'WEST' + draw(14, DIGITS)) },
  { rule: 'iban', secret: grouped(iban('FR', draw(10, DIGITS) + 'A' + draw(12, DIGITS))), context: 'IBAN: <s>' },
  { rule: 'us_ssn', secret: '512-34-7781', context: 'SSN <s> on file' },
  { rule: 'us_ssn', secret: '078-05-1120' },
  { rule: 'ip_address', secret: '203.0.113.42', context: 'login from <s> at 10:42' },
  { rule: 'ip_address', secret: '2001:0db8:85a3:0000:0000:8a2e:0370:7334' },
  { rule: 'ip_address', secret: 'fe80::1ff:fe23:4567:890a', context: 'peer [<s>]:443' },
].map((entry) => (entry.context === undefined ? entry : { ...entry, context: entry.context.replace('<s>', entry.secret) }));

export interface FalsePositive {
  /** What the text is (`trace_id`, `prose`, `code` …): the report groups by it. */
  readonly kind: string;
  readonly text: string;
}

const traceId = (): string => draw(32, HEX);
const spanId = (): string => draw(16, HEX);
const ids = Array.from({ length: 5 }, () => [traceId(), spanId()] as const);
const pngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk' + draw(300, B64) + '==';

/** Text that looks like secrets or personal data in places, and is neither. */
export const FALSE_POSITIVE_CORPUS: readonly FalsePositive[] = [
  ...ids.map(([trace]) => ({ kind: 'trace_id', text: trace })),
  ...ids.map(([, span]) => ({ kind: 'span_id', text: span })),
  ...ids.map(([trace, span], i) => ({ kind: 'event_id', text: `${trace}-${span}-${['tool_call', 'prompt', 'completion', 'error.0', 'custom'][i]}` })),
  { kind: 'traceparent', text: `traceparent: 00-${ids[0]![0]}-${ids[0]![1]}-01` },
  { kind: 'uuid', text: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' },
  { kind: 'uuid', text: 'session 9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d resumed' },
  { kind: 'uuid', text: '{"request_id": "c9bf9e57-1685-4c89-bafb-ff5af830be8a"}' },
  { kind: 'git_sha', text: 'commit ' + draw(40, HEX) },
  { kind: 'git_sha', text: 'Merge ' + draw(7, HEX) + ' into main (' + draw(7, HEX) + ')' },
  { kind: 'git_sha', text: 'fixed in 1a2b3c4' },
  { kind: 'hash', text: 'sha256:' + draw(64, HEX) },
  { kind: 'hash', text: 'md5 ' + draw(32, HEX) + '  archive.tar.gz' },
  { kind: 'hash', text: 'integrity sha512-' + draw(86, B64) + '==' },
  { kind: 'base64_image', text: `data:image/png;base64,${pngBase64}` },
  { kind: 'base64_image', text: `{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ${draw(260, B64)}"}}` },
  { kind: 'code', text: 'token = tokenizer.encode(x)\nids = token.ids[:512]' },
  { kind: 'code', text: "const apiKeyName = 'x';\nconst tokenCount = messages.length * 4;" },
  { kind: 'code', text: 'password_field = form.fields["password"]\nif not password_field.valid: raise ValueError()' },
  { kind: 'code', text: 'def login(user: str, password: str) -> bool:\n    return check(user, password)' },
  { kind: 'code', text: 'interface Creds { username: string; password: string; apiKey?: string }' },
  { kind: 'code', text: 'api_key = os.environ["OPENAI_API_KEY"]' },
  { kind: 'code', text: 'const secret = process.env.WEBHOOK_SECRET ?? "";' },
  { kind: 'code', text: 'max_tokens=4096, temperature=0.2, top_p=0.95' },
  { kind: 'code', text: 'for (let i = 0; i < 10; i++) { total += prices[i] * 1.2; }' },
  { kind: 'code', text: 'std::vector<int> v; auto it = v.begin(); Foo::Bar::baz();' },
  { kind: 'code', text: 'xs[1::2] + ys[::3]' },
  { kind: 'code', text: 'password: ${{ secrets.DB_PASSWORD }}' },
  { kind: 'config', text: '"gen_ai.usage.input_tokens": 1532, "gen_ai.usage.output_tokens": 211' },
  { kind: 'config', text: 'token_count: 1532\nmax_tokens: 4096\ntokenizer: cl100k_base' },
  { kind: 'prose', text: 'The total is $1,234.56 (incl. 19% VAT), due 2024-03-15.' },
  { kind: 'prose', text: 'Meeting moved to 14:30 on 03/04/2025; call lasted 1h 25m 30s.' },
  { kind: 'prose', text: 'Order #100234567 shipped; tracking 1Z999AA10123456784.' },
  { kind: 'prose', text: 'See page 123, section 4.5, figures 6–9 and table 10.' },
  { kind: 'prose', text: 'Upgrade from version 1.2.3 to 2.0.0; v10.0.0.1 is the LTS build.' },
  { kind: 'prose', text: 'Release version 4.2.1.7 fixes 12 bugs.' },
  { kind: 'prose', text: 'ISBN 978-0-306-40615-7 and ISBN-10 0-306-40615-2.' },
  { kind: 'prose', text: 'Latency p99 was 245.7 ms, p50 12.5 ms, error rate 0.03%.' },
  { kind: 'prose', text: 'The population grew from 1 234 567 to 2 345 678 between 1990 and 2020.' },
  { kind: 'prose', text: 'Basic information about tokens: a token is about 4 characters.' },
  { kind: 'prose', text: 'Please keep the password secret and rotate keys every 90 days.' },
  { kind: 'prose', text: 'Invoice 2024-0042, customer no. 558812, amount 19.99 EUR.' },
  { kind: 'prose', text: 'Scores: 98.6, 87.25, 100; rank 3 of 250.' },
  { kind: 'prose', text: 'The bearer of this letter is authorised to collect the parcel.' },
  { kind: 'prose', text: 'Coordinates 48.8584, 2.2945 (Eiffel Tower).' },
  { kind: 'semver', text: '^18.2.0 || >=19.0.0-rc.1' },
  { kind: 'semver', text: 'node v20.18.1, npm 10.8.2, typescript@5.9.3' },
  { kind: 'semver', text: 'chromium 126.0.6478.126' },
  { kind: 'file_path', text: '/home/dana/projects/app/src/index.ts:42:7' },
  { kind: 'file_path', text: 'C:\\Users\\dana\\AppData\\Local\\Temp\\report-2024-01-15.pdf' },
  { kind: 'file_path', text: './assets/icons/logo@2x.png' },
  { kind: 'model_name', text: 'gpt-4o-mini-2024-07-18' },
  { kind: 'model_name', text: 'claude-3-5-sonnet-20241022' },
  { kind: 'model_name', text: 'meta-llama/Llama-3.1-8B-Instruct and mistral-large-2407' },
  { kind: 'timestamp', text: '2024-10-22T10:30:45.123Z' },
  { kind: 'timestamp', text: '1718000000000' },
  { kind: 'timestamp', text: 'Tue, 22 Oct 2024 10:30:45 GMT' },
  { kind: 'timestamp', text: '1729593045123456789' },
  { kind: 'url', text: 'https://api.example.com/v1/chat/completions?stream=true&n=2' },
  { kind: 'url', text: 'ssh://git@github.com/acme/app.git' },
  { kind: 'mac_address', text: 'ether 00:1a:2b:3c:4d:5e' },
  { kind: 'url', text: 'redis://localhost:6379/0 and git@github.com:acme/app.git' },
  { kind: 'prose', text: 'Follow steps 1.2.3.4 of the install guide.' },
  { kind: 'prose', text: 'Prices: 1299 1499 1999 2499 2999 3499 3999 cents.' },
  { kind: 'prose', text: 'Windows build 10.0.19045.3803, temperature +21.5 °C, 555-1234 is fictional.' },
  { kind: 'prose', text: 'The key is to keep it simple: token budgets matter more than secret sauce.' },
  { kind: 'code', text: 'const API_KEY = "YOUR_API_KEY_HERE";\nheaders = {"Authorization": f"Bearer {token}"}' },
  { kind: 'code', text: 'from sklearn import svm  # sk-learn; hf_hub_download(repo_id="gpt2")' },
  { kind: 'code', text: 'password: ********\nsecret: <redacted>\nAuthorization: Bearer ${TOKEN}' },
  { kind: 'log', text: '2024-10-22 10:30:45,123 INFO [main] Processed 1234567 records in 12.5s (pid 48213)' },
  { kind: 'hash', text: '$2b$12$' + draw(53, ALNUM + './') },
];
