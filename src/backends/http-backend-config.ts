/**
 * The options every HTTP backend takes, resolved once when its factory runs:
 * option > the vendor's environment variable > default. The environment is
 * read here for every vendor, so no backend reads it on its own.
 */
import { DEFAULTS } from '../config/defaults.js';
import { readEnv } from '../config/env.js';
import { positive } from '../config/resolve.js';
import { invalidOption } from '../errors.js';
import { isHttpUrl } from './http-url.js';
import type { HttpVendor, VendorEnv } from './http-vendor.js';

/** Options of every HTTP backend; each vendor's own options extend these (and name its variables). */
export interface HttpBackendOptions {
  /** API key. Default: the vendor's API key variable. */
  apiKey?: string;
  /** API origin, optionally with a path prefix. Default: the vendor's base URL variable, else its public origin. */
  baseUrl?: string;
  /** One attempt's timeout. Default 10000. */
  requestTimeoutMillis?: number;
  /** Keep-alive connections. Default 8. */
  maxConnections?: number;
}

/** {@link HttpBackendOptions} resolved, with the rest of what the vendor read from the environment. */
export interface HttpBackendConfig<E extends VendorEnv = VendorEnv> {
  /** Undefined or empty: the backend is not configured (said once at setup). */
  readonly apiKey: string | undefined;
  /** Checked when the backend is built: an env value that is no http(s) URL is a configuration problem, not a throw. */
  readonly baseUrl: string;
  readonly requestTimeoutMillis: number;
  readonly maxConnections: number;
  /** The vendor's settings from the environment, for its own options to fall back to. */
  readonly env: E;
}

/**
 * Resolves the shared options of `vendor`'s factory.
 *
 * @throws {AuditError} `INVALID_OPTION` when `baseUrl` is not an http(s) URL or a number option is not a positive integer.
 * @example
 * const config = resolveHttpBackendConfig(AGENTSUDO, options); // config.apiKey: options.apiKey ?? AGENTSUDO_API_KEY
 */
export function resolveHttpBackendConfig<E extends VendorEnv>(vendor: HttpVendor<E>, options: HttpBackendOptions): HttpBackendConfig<E> {
  const env = vendor.fromEnv(readEnv());
  // A bad URL in code is the developer's to fix now; a bad one in the environment is reported, not thrown.
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) {
    throw invalidOption(`${vendor.factory}.baseUrl`, 'an http(s) URL', options.baseUrl);
  }
  return {
    apiKey: options.apiKey ?? env.apiKey,
    baseUrl: options.baseUrl ?? env.baseUrl ?? vendor.defaultBaseUrl,
    requestTimeoutMillis: positive(`${vendor.factory}.requestTimeoutMillis`, options.requestTimeoutMillis) ?? DEFAULTS.requestTimeoutMillis,
    maxConnections: positive(`${vendor.factory}.maxConnections`, options.maxConnections) ?? DEFAULTS.maxConnections,
    env,
  };
}

/**
 * An optional name option (an agent name or id): undefined stays undefined,
 * anything else must be a non-empty string.
 *
 * @throws {AuditError} `INVALID_OPTION` naming `option` when `value` is not a non-empty string.
 * @example
 * nonEmptyOption('agentSudo.agentName', options.agentName) ?? DEFAULTS.agentName;
 */
export function nonEmptyOption(option: string, value: string | undefined): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) throw invalidOption(option, 'a non-empty string', value);
  return value;
}
