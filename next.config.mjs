/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true },
  serverExternalPackages: ['postgres', 'bcryptjs', 'pg-boss', 'pg', 'rate-limiter-flexible'],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
