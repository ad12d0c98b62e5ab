/**
 * The `store` option's URL (`postgres://user:password@host:port/database`):
 * checked without connecting, and shown without its password. The receiver
 * may not use the library's log scrubber (src/redact: the stage rules), and
 * needs only this: a password in the userinfo or a `password` query parameter.
 */

const PROTOCOLS: ReadonlySet<string> = new Set(['postgres:', 'postgresql:']);
const HIDDEN = '***';

/** Whether `url` is a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && PROTOCOLS.has(parsed.protocol);
}

/**
 * `url` with its password replaced by `***`, for messages. Of a string that
 * is not a PostgreSQL URL only the scheme is shown (`mysql:…`): `user:secret`
 * parses as a URL whose scheme is `user:`, so nothing else of it is safe to show.
 *
 * @example
 * displayStoreUrl('postgres://audit:s3cret@127.0.0.1:5432/audit'); // 'postgres://audit:***@127.0.0.1:5432/audit'
 */
export function displayStoreUrl(url: string): string {
  const parsed = parse(url);
  if (parsed === undefined) return '(a value that is not a URL)';
  if (!PROTOCOLS.has(parsed.protocol)) return `${parsed.protocol}…`;
  if (parsed.password !== '') parsed.password = HIDDEN;
  for (const name of [...parsed.searchParams.keys()]) {
    if (/pass/i.test(name)) parsed.searchParams.set(name, HIDDEN);
  }
  return parsed.toString();
}

/**
 * `text` (a driver's error message) with every password of `url` in it replaced by `***`.
 *
 * @example
 * withoutPassword(error.message, config.store);
 */
export function withoutPassword(text: string, url: string): string {
  const parsed = parse(url);
  if (parsed === undefined) return text;
  const secrets = [decode(parsed.password), ...[...parsed.searchParams].filter(([name]) => /pass/i.test(name)).map(([, value]) => value)];
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join(HIDDEN);
  return out;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
