/**
 * Whether `value` parses as an absolute `http:` or `https:` URL (a backend's `baseUrl`).
 *
 * @example
 * isHttpUrl('https://api.agentsudo.dev'); // true; isHttpUrl('api.agentsudo.dev') is false
 */
export function isHttpUrl(value: string): boolean {
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
