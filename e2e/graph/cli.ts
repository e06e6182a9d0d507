/**
 * Runs the fake Graph standalone, e.g. for Playwright's webServer or a manual session:
 *   node --import tsx e2e/graph/cli.ts --port 0 [--page-size 200] [--member-page-size 100] [--token-lifetime 3599]
 * Prints {"url","loginUrl","graphUrl"} as one JSON line on stdout; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startFakeGraph } from './fake-graph';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'page-size': { type: 'string' },
    'member-page-size': { type: 'string' },
    'token-lifetime': { type: 'string' },
  },
});

function int(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got '${raw}'`);
    process.exit(2);
  }
  return n;
}

const graph = await startFakeGraph({
  port: int('port', values.port),
  pageSize: int('page-size', values['page-size']),
  memberPageSize: int('member-page-size', values['member-page-size']),
  tokenLifetimeSeconds: int('token-lifetime', values['token-lifetime']),
});
process.stdout.write(`${JSON.stringify({ url: graph.url, loginUrl: graph.loginUrl, graphUrl: graph.graphUrl })}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void graph.stop().then(() => process.exit(0));
  });
}
