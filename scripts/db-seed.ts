// npm run db:seed — migrates, then seeds the demo organizations (idempotent).
import { prepareDatabase } from '../lib/db/bootstrap';
import { getEnv } from '../lib/env';

const log = (line: string) => console.log(`[db:seed] ${line}`);
try {
  const db = await prepareDatabase({ log, productionMode: getEnv().NODE_ENV === 'production', seed: 'always' });
  log(db.seeded.length ? `created: ${db.seeded.join(', ')}` : 'demo organizations already present; nothing changed');
  await db.embedded?.stop();
  process.exit(0);
} catch (err) {
  console.error(`[db:seed] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
