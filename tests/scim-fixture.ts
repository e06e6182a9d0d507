import type { Db } from '@/lib/db/client';
import { handleScimRequest } from '@/lib/scim/handler';

/**
 * A SCIM client that calls the route handlers' own entry point (lib/scim/handler.ts), with
 * the body as the text an IdP sends, the bearer token as a header and the query as a URL.
 */
export function scimClient(db: Db, directoryId: string, token: string) {
  return async (method: string, path: string, body?: unknown, opts: { token?: string | null; raw?: string } = {}) => {
    const url = new URL(`http://x/${path.replace(/^\//, '')}`);
    const res = await handleScimRequest(db, {
      method,
      directoryId,
      path: url.pathname.split('/').filter(Boolean).map(decodeURIComponent),
      query: url.searchParams,
      body: opts.raw ?? (body === undefined ? null : JSON.stringify(body)),
      authorization: opts.token === null ? null : `Bearer ${opts.token ?? token}`,
    });
    return res as { status: number; body: any };
  };
}

export const SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
};
