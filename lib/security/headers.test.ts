import saml20 from '@boxyhq/saml20';
import { describe, expect, it } from 'vitest';
import { postFormPage } from '@/lib/sso/http';
import { dynamicHeaders, newNonce, pageCsp } from './headers';

describe('security headers', () => {
  it('gives pages a nonce policy that forbids framing, plugins and foreign scripts', () => {
    const nonce = newNonce();
    expect(nonce).not.toBe(newNonce());
    const csp = pageCsp(nonce, { https: false, dev: false });
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(pageCsp(nonce, { https: true, dev: false })).toContain('upgrade-insecure-requests');
  });

  it('adds HSTS only when the app is served over https', () => {
    expect(dynamicHeaders('x', 'https://psa.example.com')).toEqual({ 'Content-Security-Policy': 'x', 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' });
    expect(dynamicHeaders(null, 'http://localhost:3000')).toEqual({});
  });

  it("turns Jackson's auto-posting SAML form into one nonce'd script under its own policy", async () => {
    const form = saml20.createPostForm('https://idp.example.com/sso', [{ name: 'SAMLRequest', value: 'abc' }]);
    const res = postFormPage(form);
    const body = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(body).not.toMatch(/onload=/);
    expect(body).toContain(`<script nonce="${nonce}">document.forms[0].style.display="none";document.forms[0].submit();</script>`);
    expect(body).toContain('<form method="post" action="https://idp.example.com/sso">');
    expect(csp).toBe(`default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'`);
  });
});
