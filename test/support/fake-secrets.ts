import { randomBytes } from 'node:crypto';

/**
 * A secret made for this test run: clearly fake (it says so), different every run, never committed.
 * Tests use it where configuration needs a client secret or an app password.
 */
export function fakeSecret(label: string): string {
  return `fake-${label}-${randomBytes(9).toString('base64url')}`;
}
