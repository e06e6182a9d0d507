/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  // Server actions carry SAML metadata of up to 1,000,000 characters (lib/sso/schemas.ts),
  // which is up to 3 bytes each in UTF-8 plus escaping: the body limit must hold that.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: '4mb' } },
  serverExternalPackages: ['postgres', 'bcryptjs', 'pg-boss', 'pg', 'rate-limiter-flexible'],
  typescript: { ignoreBuildErrors: false },
  // Headers that never change, on every response (static files too); CSP and HSTS are per request in proxy.ts.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
