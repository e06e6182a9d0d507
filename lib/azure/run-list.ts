// Sync runs as the console lists them (plain data, for the server page and the client table).

export type RunView = {
  id: string;
  tenant: string;
  status: 'running' | 'succeeded' | 'failed' | 'awaiting_confirmation' | 'cancelled';
  full: boolean;
  trigger: string;
  /** Why a settings run ran, or that a Graph run also re-evaluated after a settings change. */
  note: string | null;
  /** The last sign of life of a run in progress. */
  progressAt: string | null;
  read: number;
  created: number;
  updated: number;
  deactivated: number;
  archived: number;
  skipped: number;
  errors: number;
  pendingCount: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
};

/** Consecutive runs that changed nothing, shown as one row. */
export type IdleRuns = { idle: true; id: string; count: number; tenants: string[]; from: string; to: string };
export type RunListItem = RunView | IdleRuns;

const CHANGES = ['created', 'updated', 'deactivated', 'archived', 'skipped', 'errors'] as const;

/**
 * Newest first, at most `limit` rows: runs that read Graph and changed nothing (a short
 * interval makes many) fold into one row per stretch, so the runs that did something stay in view.
 */
export function foldIdleRuns(runs: RunView[], limit: number): RunListItem[] {
  const out: RunListItem[] = [];
  for (const r of runs) {
    const idle = r.status === 'succeeded' && r.trigger !== 'settings' && !r.full && CHANGES.every((c) => r[c] === 0);
    const last = out[out.length - 1];
    if (idle && last && 'idle' in last) {
      last.count++;
      last.from = r.startedAt;
      if (!last.tenants.includes(r.tenant)) last.tenants.push(r.tenant);
      continue;
    }
    if (out.length === limit) break;
    out.push(idle ? { idle: true, id: r.id, count: 1, tenants: [r.tenant], from: r.startedAt, to: r.startedAt } : r);
  }
  return out;
}

