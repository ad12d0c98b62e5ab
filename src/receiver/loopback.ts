import { isIPv4 } from 'node:net';

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
  const v4 = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower;
  return isIPv4(v4) && v4.startsWith('127.');
}
