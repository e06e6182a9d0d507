import { randomUUID } from 'node:crypto';
import { getDb } from '@/lib/db/client';
import { handleScimRequest } from '@/lib/scim/handler';
import { MAX_BODY_BYTES, scimError, type ScimResponse } from '@/lib/scim/request';

// SCIM 2.0 for one directory: /api/scim/v2.0/<directory id>/Users[/<id>] and /Groups[/<id>].
// Everything is decided in lib/scim/handler.ts; this only carries the HTTP request there.

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ directoryId: string; path: string[] }> };

async function handle(req: Request, { params }: Params): Promise<Response> {
  const { directoryId, path } = await params;
  let res: ScimResponse;
  try {
    if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
      res = scimError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    } else {
      const body = req.method === 'GET' || req.method === 'DELETE' ? null : await req.text();
      res = await handleScimRequest(getDb(), { method: req.method, directoryId, path, query: new URL(req.url).searchParams, body, authorization: req.headers.get('authorization') });
    }
  } catch (err) {
    const ref = randomUUID();
    console.error(`[scim] ${ref} ${req.method} ${new URL(req.url).pathname}:`, err);
    res = scimError(500, `The request could not be completed (reference ${ref}).`);
  }
  if (res.status === 204) return new Response(null, { status: 204 });
  return new Response(JSON.stringify(res.body), { status: res.status, headers: { 'content-type': 'application/scim+json', 'cache-control': 'no-store' } });
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
