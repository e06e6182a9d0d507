// SSO connections from the command line, for scripts and ops.
//   npm run sso:add -- --org acme --metadata idp.xml|https://idp/metadata [--kaseyaone]
//   npm run sso:add -- --org acme --oidc-discovery URL --client-id ID --client-secret SECRET [--kaseyaone]
//   npm run sso:list -- --org acme
//   npm run sso:delete -- --org acme [--kaseyaone]
//   npm run sso:add -- --platform-kaseyaone --metadata idp.xml|https://idp/metadata   (one KaseyaOne IdP for every partner)
//   npm run sso:list -- --platform-kaseyaone [--json]
//   npm run sso:delete -- --platform-kaseyaone
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { openCliDatabase } from '../lib/db/bootstrap';
import { openDb } from '../lib/db/client';
import { organizations } from '../lib/db/schema';
import { createOidcConnection, createPlatformKaseyaOneConnection, createSamlConnection, deleteConnection, deletePlatformKaseyaOneConnection, getPlatformKaseyaOneConnection, listConnections, spDetails } from '../lib/sso/connections';
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
    'platform-kaseyaone': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`sso ${command ?? ''}: ${message}`);
  process.exit(2);
}

async function main() {
  if (!['add', 'list', 'delete'].includes(command ?? '')) fail('usage: sso add|list|delete --org <slug> … | --platform-kaseyaone …');
  if (values['platform-kaseyaone'] && values.org) fail('--platform-kaseyaone is for the whole platform: leave out --org');
  if (!values.org && !values['platform-kaseyaone']) fail('--org <slug> is required (or --platform-kaseyaone)');
  const cli = await openCliDatabase(() => {});
  if (values['platform-kaseyaone']) {
    try {
      await platform();
    } finally {
      await (await getJackson().catch(() => null))?.close();
      await cli.close();
    }
    return;
  }
  const { db, sql } = openDb(cli.url, 2);
  try {
    const [org] = await db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(eq(organizations.slug, values.org!));
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

/** The platform KaseyaOne IdP: SAML metadata only (KaseyaOne Unified Login is a SAML IdP). */
async function platform() {
  if (command === 'list') {
    const c = await getPlatformKaseyaOneConnection();
    if (values.json) console.log(JSON.stringify({ sp: spDetails(), connection: c }, null, 2));
    else console.log(c ? `platform KaseyaOne: ${c.protocol} ${c.idp} (${c.provider})` : 'no platform KaseyaOne connection');
    return;
  }
  if (command === 'delete') {
    if (!(await deletePlatformKaseyaOneConnection())) fail('there is no platform KaseyaOne connection');
    console.log('deleted the platform KaseyaOne connection');
    return;
  }
  if (!values.metadata) fail('give --metadata <file|url> (the KaseyaOne IdP SAML metadata)');
  const isUrl = /^https?:\/\//.test(values.metadata);
  if (!isUrl && !fs.existsSync(values.metadata)) fail(`metadata file not found: ${values.metadata}`);
  const result = await createPlatformKaseyaOneConnection(isUrl ? { metadataUrl: values.metadata } : { metadataXml: fs.readFileSync(values.metadata, 'utf8') });
  if (!result.ok) fail(result.error);
  console.log(values.json ? JSON.stringify(result.connection) : `added the platform KaseyaOne connection: ${result.connection.idp}; logins are routed by the partner org id`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`sso ${command}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
