/**
 * Loopback, as addresses and as host names: what the receiver and the
 * gateway check before they serve without a key. Plain string checks (the
 * vocabulary imports no `node:net`).
 */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Whether `address`, as a bound server reports it (`server.address().address`),
 * can be reached only from this machine: 127.0.0.0/8, `::1`, or 127.x mapped
 * into IPv6. `0.0.0.0` and `::` are every interface, so not loopback.
 *
 * @example
 * isLoopbackAddress('127.0.0.1'); // true
 * isLoopbackAddress('0.0.0.0'); // false
 */
export function isLoopbackAddress(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === '::1') return true;
  const v4 = IPV4.exec(lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower);
  return v4 !== null && v4[1] === '127' && v4.slice(2).every((part) => Number(part) <= 255);
}

/**
 * Whether an HTTP `Host` header names this machine: `localhost`, `127.x.x.x`
 * or `[::1]`, with or without a port. A page whose domain an attacker
 * rebound to 127.0.0.1 (DNS rebinding) sends its own domain here.
 *
 * @example
 * isLoopbackHost('localhost:8787'); // true
 * isLoopbackHost('rebound.invalid:8787'); // false
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name.toLowerCase() === 'localhost' || isLoopbackAddress(name);
}
