// npm run db:migrate — applies drizzle/ migrations to DATABASE_URL, or to the embedded server.
import { prepareDatabase } from '../lib/db/bootstrap';
import { getEnv } from '../lib/env';

const log = (line: string) => console.log(`[db:migrate] ${line}`);
try {
  const db = await prepareDatabase({ log, productionMode: getEnv().NODE_ENV === 'production', seed: 'never' });
  log('migrations applied');
  await db.embedded?.stop();
  process.exit(0);
} catch (err) {
  console.error(`[db:migrate] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
