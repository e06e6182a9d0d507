/**
 * HTTP client for the fake Graph's control API (POST {url}/_control/<method> with {"args":[...]}),
 * so tests in another process (Playwright) drive the fake exactly like the in-process object.
 */
import type { Fault, FakeGraphControl, FakeUser, RequestLogEntry } from './fake-graph';

export function fakeGraphControl(url: string): FakeGraphControl {
  const base = url.replace(/\/+$/, '');

  async function call<T = void>(method: keyof FakeGraphControl, args: unknown[]): Promise<T> {
    const res = await fetch(`${base}/_control/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ args }),
    });
    const text = await res.text();
    let body: { result?: unknown; error?: string } | undefined;
    try {
      body = JSON.parse(text) as { result?: unknown; error?: string };
    } catch {
      body = undefined;
    }
    if (!res.ok || !body) throw new Error(`fake graph ${method}: ${body?.error ?? `HTTP ${res.status} ${text.slice(0, 200)}`}`);
    return (body.result ?? undefined) as T;
  }

  return {
    addTenant: (t) => call('addTenant', [t]),
    upsertUser: (tenant: string, user: FakeUser) => call('upsertUser', [tenant, user]),
    upsertUsers: (tenant: string, users: FakeUser[]) => call('upsertUsers', [tenant, users]),
    deleteUser: (tenant, id, opts) => call('deleteUser', [tenant, id, opts ?? {}]),
    addGroup: (tenant, g) => call('addGroup', [tenant, g]),
    addMember: (tenant, groupId, memberId) => call('addMember', [tenant, groupId, memberId]),
    addMembers: (tenant, groupId, memberIds) => call('addMembers', [tenant, groupId, memberIds]),
    removeMember: (tenant, groupId, memberId) => call('removeMember', [tenant, groupId, memberId]),
    setConsent: (tenant, appId, consented) => call('setConsent', [tenant, appId, consented]),
    denyNextConsent: (tenant) => call('denyNextConsent', [tenant]),
    setSecretExpired: (tenant, appId, expired) => call('setSecretExpired', [tenant, appId, expired]),
    expireDeltaTokens: (tenant) => call('expireDeltaTokens', [tenant]),
    fault: (tenant: string, f: Fault) => call('fault', [tenant, f]),
    requests: () => call<RequestLogEntry[]>('requests', []),
    clearRequests: () => call('clearRequests', []),
    reset: () => call('reset', []),
  };
}
