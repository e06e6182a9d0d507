// SSO connections from the command line, for scripts and ops.
//   npm run sso:add -- --org acme --metadata idp.xml|https://idp/metadata [--kaseyaone]
//   npm run sso:add -- --org acme --oidc-discovery URL --client-id ID --client-secret SECRET [--kaseyaone]
//   npm run sso:list -- --org acme
//   npm run sso:delete -- --org acme [--kaseyaone]
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { openCliDatabase } from '../lib/db/bootstrap';
import { openDb } from '../lib/db/client';
import { organizations } from '../lib/db/schema';
import { createOidcConnection, createSamlConnection, deleteConnection, listConnections, spDetails } from '../lib/sso/connections';
import { getJackson } from '../lib/sso/jackson';

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    org: { type: 'string' },
    metadata: { type: 'string' },
    'oidc-discovery': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    kaseyaone: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`sso ${command ?? ''}: ${message}`);
  process.exit(2);
}

async function main() {
  if (!['add', 'list', 'delete'].includes(command ?? '')) fail('usage: sso add|list|delete --org <slug> …');
  if (!values.org) fail('--org <slug> is required');
  const cli = await openCliDatabase(() => {});
  const { db, sql } = openDb(cli.url, 2);
  try {
    const [org] = await db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(eq(organizations.slug, values.org));
    if (!org) fail(`no organization with slug "${values.org}"`);
    const kind = values.kaseyaone ? 'kaseyaone' : 'sso';
    if (command === 'list') {
      const list = await listConnections(org.id);
      if (values.json) console.log(JSON.stringify({ organization: values.org, sp: spDetails(), connections: list }, null, 2));
      else {
        console.log(`${org.name}: ${list.length} connection(s)`);
        for (const c of list) console.log(`  ${c.kind.padEnd(9)} ${c.protocol.padEnd(4)} ${c.idp} (${c.provider})`);
        const sp = spDetails();
        console.log(`SP entity id: ${sp.entityId}\nACS URL:      ${sp.acsUrl}\nSP metadata:  ${sp.metadataUrl}\nOIDC redirect: ${sp.oidcRedirectUrl}`);
      }
      return;
    }
    if (command === 'delete') {
      if (!(await deleteConnection(org.id, kind))) fail(`${values.org} has no ${kind} connection`);
      console.log(`deleted the ${kind} connection of ${values.org}`);
      return;
    }
    let result;
    if (values.metadata) {
      const isUrl = /^https?:\/\//.test(values.metadata);
      if (!isUrl && !fs.existsSync(values.metadata)) fail(`metadata file not found: ${values.metadata}`);
      result = await createSamlConnection(org.id, isUrl ? { kind, metadataUrl: values.metadata } : { kind, metadataXml: fs.readFileSync(values.metadata, 'utf8') });
    } else if (values['oidc-discovery']) {
      result = await createOidcConnection(org.id, { kind, discoveryUrl: values['oidc-discovery'], clientId: values['client-id'], clientSecret: values['client-secret'] });
    } else {
      fail('give --metadata <file|url>, or --oidc-discovery <url> --client-id <id> --client-secret <secret>');
    }
    if (!result.ok) fail(Object.values(result.fieldErrors ?? {})[0] ?? result.error);
    console.log(values.json ? JSON.stringify(result.connection) : `added ${result.connection.kind} ${result.connection.protocol} connection for ${values.org}: ${result.connection.idp}`);
  } finally {
    await sql.end({ timeout: 2 });
    await (await getJackson().catch(() => null))?.close();
    await cli.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`sso ${command}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
