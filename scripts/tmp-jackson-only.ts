import { eq } from 'drizzle-orm';
import * as s from '../lib/db/schema';
import { createDirectory } from '../lib/scim/directories';
import { getJackson } from '../lib/sso/jackson';
import { benchDatabase, seconds } from './lib/bench-db';
const USERS = Number(process.argv[2] ?? 2000);
const bench = await benchDatabase('scimj', 12);
try {
  const { db } = bench;
  const [acme] = await db.select().from(s.organizations).where(eq(s.organizations.slug, 'acme'));
  const dir = await createDirectory(db, acme!.id, { name: 'Bench', provider: 'okta-scim-v2' });
  const dsync = (await getJackson()).directorySyncController;
  const { data } = await dsync.directories.get(dir.id);
  const secret = data!.scim.secret;
  let next = 0; let errors = 0; let events = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = next++; i < USERS; i = next++) {
      const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `u${i}@x.example`, name: { givenName: 'G', familyName: 'S' }, emails: [{ primary: true, value: `u${i}@x.example`, type: 'work' }], active: true };
      const r = await dsync.requests.handle({ method: 'POST', body, directoryId: dir.id, resourceType: 'users', resourceId: undefined, apiSecret: secret, query: {} } as never, async () => { events++; });
      if (r.status !== 201) errors++;
    }
  }));
  console.log(`jackson only: ${USERS} users ${seconds(performance.now() - t)} s, errors ${errors}, events ${events}`);
  await (await getJackson()).close();
  await bench.client.end();
} finally { await bench.stop(); }
process.exit(0);
