import { describe, expect, it } from 'vitest';
import { safeRedirectPath, safeRedirectUrl } from './redirect';

const APP = 'https://psa.example.com';

describe('safeRedirectPath: every redirect target resolved against APP_URL', () => {
  it.each([
    ['/hr/employees?page=2#top', '/hr/employees?page=2#top'],
    ['/provisioning-log?ref=3f2a', '/provisioning-log?ref=3f2a'],
    [`${APP}/admin/auth-provision`, '/admin/auth-provision'],
    ['admin/auth-provision', '/admin/auth-provision'],
    ['/%09/evil.example', '/%09/evil.example'], // still encoded: a path, not a host
  ])('keeps our own %j as %j', (raw, expected) => {
    expect(safeRedirectPath(raw, APP)).toBe(expected);
  });

  it.each([
    ['/\t/evil.example'], // what /login?callbackUrl=/%09/evil.example decodes to
    ['/\r\nSet-Cookie: x=1'],
    ['/\n/evil.example'],
    ['/\u0000/evil'],
    ['//evil.example'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['/.//evil.example'],
    ['https://evil.example/'],
    ['http://psa.example.com/'], // another scheme is another origin
    ['https://psa.example.com.evil.example/'],
    ['javascript:alert(1)'],
    ['data:text/html,hi'],
    [''],
    [undefined],
    [['/a', '/b']],
    ['/' + 'a'.repeat(3000)],
  ])('refuses %j with "/"', (raw) => {
    expect(safeRedirectPath(raw, APP)).toBe('/');
  });

  it('gives next-auth an absolute URL on our origin', () => {
    expect(safeRedirectUrl('/people/1', APP)).toBe(`${APP}/people/1`);
    expect(safeRedirectUrl('https://evil.example/x', APP)).toBe(`${APP}/`);
  });
});
