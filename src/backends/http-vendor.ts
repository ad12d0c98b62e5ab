/**
 * What the shared HTTP scaffold needs to know of one vendor's audit API: its
 * names (for stats, option errors and messages), its environment variables,
 * its default origin and how it takes the API key. Everything else a vendor
 * folder holds is its wire mapping and how it reads answers.
 */
import type { AuditEnv } from '../config/env.js';

/** The key and origin a vendor's environment variables set, plus whatever else the vendor reads there. */
export interface VendorEnv {
  readonly apiKey?: string;
  readonly baseUrl?: string;
}

/**
 * One vendor's facts, declared once in its folder.
 *
 * @example
 * const ACME: HttpVendor = {
 *   name: 'acme', factory: 'acme', title: 'Acme audit API', defaultBaseUrl: 'https://audit.acme.dev',
 *   envNames: { apiKey: 'ACME_API_KEY', baseUrl: 'ACME_BASE_URL' },
 *   fromEnv: (env) => ({ apiKey: env.acmeApiKey, baseUrl: env.acmeBaseUrl }),
 *   authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
 *   maxResponseBytes: 64 * 1024,
 * };
 */
export interface HttpVendor<E extends VendorEnv = VendorEnv> {
  /** Backend name in stats and messages, e.g. `'agentsudo'`. */
  readonly name: string;
  /** The factory's name, which option errors start with, e.g. `'agentSudo'` → `agentSudo.baseUrl`. */
  readonly factory: string;
  /** What users call the service, e.g. `'AgentSudo API'`: named in the hints about its URL. */
  readonly title: string;
  readonly defaultBaseUrl: string;
  /** The vendor's variable names, exactly as its documents spell them: messages tell users to check them. */
  readonly envNames: { readonly apiKey: string; readonly baseUrl: string };
  /** The vendor's settings in what `readEnv()` read. */
  fromEnv(env: AuditEnv): E;
  /** The request headers that carry the API key. */
  authHeaders(apiKey: string): Record<string, string>;
  /** Longer answers are cut: only as much as the vendor's answers need. */
  readonly maxResponseBytes: number;
}
