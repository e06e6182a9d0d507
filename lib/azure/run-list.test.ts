import { describe, expect, it } from 'vitest';
import { foldIdleRuns, type RunView } from './run-list';

const run = (id: string, over: Partial<RunView> = {}): RunView => ({
  id,
  tenant: 'contoso.onmicrosoft.com',
  status: 'succeeded',
  full: false,
  trigger: 'schedule',
  note: null,
  progressAt: null,
  read: 0,
  created: 0,
  updated: 0,
  deactivated: 0,
  archived: 0,
  skipped: 0,
  errors: 0,
  pendingCount: 0,
  error: null,
  startedAt: `2026-12-02T10:0${id}:00.000Z`,
  finishedAt: null,
  ...over,
});

describe('Sync runs: idle runs fold so the runs that changed something stay in view', () => {
  it('folds each stretch of runs without changes into one row, keeps the rest, and counts rows against the limit', () => {
    const runs = [run('9'), run('8'), run('7', { updated: 2 }), run('6', { read: 5 }), run('5'), run('4', { trigger: 'settings' }), run('3', { status: 'failed' }), run('2', { full: true }), run('1')];
    const items = foldIdleRuns(runs, 10);
    expect(items.map((i) => ('idle' in i ? `idle×${i.count} ${i.from.slice(14, 16)}–${i.to.slice(14, 16)}` : i.id))).toEqual(['idle×2 08–09', '7', 'idle×2 05–06', '4', '3', '2', 'idle×1 01–01']);
    expect(foldIdleRuns(runs, 2).map((i) => ('idle' in i ? 'idle' : i.id))).toEqual(['idle', '7']);
  });
});
