import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { reloadEnv } from '../env';
import { maskHint, open, seal, SecretUnreadableError } from './secrets';

beforeAll(() => {
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString('base64');
  process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
  reloadEnv();
});

describe('secrets sealed at rest (AES-256-GCM)', () => {
  it('opens what it sealed, and the sealed form never contains the secret', () => {
    const sealed = seal('Q~client-secret-value', 'org-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('client-secret');
    expect(open(sealed, 'org-1')).toBe('Q~client-secret-value');
    expect(seal('same', 'org-1')).not.toBe(seal('same', 'org-1')); // a fresh IV every time
  });

  it('refuses another context (a value moved to another organization’s row) and any tampering', () => {
    const sealed = seal('Q~client-secret-value', 'org-1');
    expect(() => open(sealed, 'org-2')).toThrow(SecretUnreadableError);
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => open([v, iv, tag, flipped.toString('base64url')].join('.'), 'org-1')).toThrow(SecretUnreadableError);
    expect(() => open('not-sealed', 'org-1')).toThrow(SecretUnreadableError);
  });

  it('shows at most the last four characters, none of a short secret', () => {
    expect(maskHint('abcdefghijkl')).toBe('ijkl');
    expect(maskHint('short')).toBe('');
  });
});
