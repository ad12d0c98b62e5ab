import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../../src/redact/log-scrubber.js';

const KEY = 'sk-' + 'ant-' + 'api03-' + 'Qx7vB2mN9pL4tR8wZ1cF5hJ3kD6sG0aEyU2iO4pA';

describe('scrubSecrets', () => {
  it('removes API keys, bearer values, URL userinfo and private keys from a log line', () => {
    const line = `POST https://bot:hunter22@api.example.com failed; Authorization: Bearer abcdefghij0123456789; key ${KEY}; -----BEGIN PRIVATE KEY-----\nMIIabc`;
    const out = scrubSecrets(line);
    expect(out).toBe(
      'POST https://[REDACTED:url_credentials]@api.example.com failed; Authorization: Bearer [REDACTED:bearer_token]; key [REDACTED:anthropic_key]; [REDACTED:private_key]',
    );
  });

  it('keeps personal data and ordinary text: a warning naming a host or an address stays useful', () => {
    const line = 'secureagentics: 401 from 203.0.113.9 for ops@example.com — check SECUREAGENTICS_API_KEY.';
    expect(scrubSecrets(line)).toBe(line);
  });
});
