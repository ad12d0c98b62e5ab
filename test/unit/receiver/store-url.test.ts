import { describe, expect, it } from 'vitest';
import { displayStoreUrl, isPostgresUrl, withoutPassword } from '../../../src/receiver/store-url.js';

describe('store-url', () => {
  it('tells PostgreSQL URLs from others', () => {
    expect(isPostgresUrl('postgres://audit@127.0.0.1:5432/audit')).toBe(true);
    expect(isPostgresUrl('postgresql://127.0.0.1/audit')).toBe(true);
    expect(isPostgresUrl('mysql://127.0.0.1/audit')).toBe(false);
    expect(isPostgresUrl('audit')).toBe(false);
  });

  it('shows a URL with its password, in the userinfo or a query parameter, as ***', () => {
    expect(displayStoreUrl('postgres://audit:s3cret@127.0.0.1:5432/audit')).toBe('postgres://audit:***@127.0.0.1:5432/audit');
    expect(displayStoreUrl('postgres://127.0.0.1/audit?user=a&password=s3cret')).toBe('postgres://127.0.0.1/audit?user=a&password=***');
    expect(displayStoreUrl('postgres://audit@127.0.0.1/audit')).toBe('postgres://audit@127.0.0.1/audit');
  });

  it('never shows a value that is not a URL, which may hold a password', () => {
    expect(displayStoreUrl('audit:s3cret')).toBe('audit:…');
    expect(displayStoreUrl('mysql://u:s3cret@127.0.0.1/db')).toBe('mysql:…');
  });

  it('removes the password, percent-decoded too, from a driver message', () => {
    const url = 'postgres://audit:p%40ss@127.0.0.1/audit';
    expect(withoutPassword('password "p@ss" refused', url)).toBe('password "***" refused');
  });
});
