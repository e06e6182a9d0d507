import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { startFakeGraph } from './graph/fake-graph';
import { startOidcProvider } from './idp/oidc-provider';
import { startSamlIdp } from './idp/saml-idp';
import { ssoCli } from './helpers';

// Runs after the app is up (Playwright starts webServer first). Starts the identity
// providers as real HTTP servers on 127.0.0.1 (another origin than the app on
// localhost), registers them through the sso CLI like an operator would, and sets the
// provisioning settings the specs rely on straight in the app's database.

export type E2eState = { platformKaseyaOneOrigin: string; initrodeOrigin: string; samlOrigin: string; kaseyaOneOrigin: string; oidcIssuer: string; databaseUrl: string; appUrl: string; acmeConnectionIds: string[]; graphUrl: string };

export default async function globalSetup() {
  const dataDir = process.env.E2E_DATA_DIR!;
  const appUrl = `http://localhost:${process.env.E2E_PORT!}`;
  const { url: databaseUrl } = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { url: string };

  // On the ports playwright.config.ts allowlisted for the app's outbound guard.
  const ports = JSON.parse(process.env.E2E_IDP_PORTS!) as Record<'sso' | 'kaseyaOne' | 'initrode' | 'oidc', string>;
  const sso = await startSamlIdp({ port: Number(ports.sso) });
  const kaseyaOne = await startSamlIdp({ port: Number(ports.kaseyaOne) });
  const initrode = await startSamlIdp({ port: Number(ports.initrode) });
  // The platform KaseyaOne IdP: one entity id for every partner organization (registered from a file: the app never fetches it).
  const platformK1 = await startSamlIdp();
  const oidc = await startOidcProvider({ port: Number(ports.oidc) });
  // The app was started with AZURE_LOGIN_URL/AZURE_GRAPH_URL pointing at this port (playwright.config.ts).
  const graph = await startFakeGraph({ port: Number(process.env.E2E_GRAPH_PORT) });
  oidc.addClient({ client_id: 'globex-app', client_secret: 'globex-app-secret', redirect_uris: [`${appUrl}/api/oauth/oidc`] });

  const cli = ssoCli;
  fs.writeFileSync(path.join(dataDir, 'idp-sso.xml'), sso.metadataXml);
  fs.writeFileSync(path.join(dataDir, 'idp-k1.xml'), kaseyaOne.metadataXml);
  await cli('add', '--org', 'acme', '--metadata', path.join(dataDir, 'idp-sso.xml'));
  await cli('add', '--org', 'acme', '--metadata', path.join(dataDir, 'idp-k1.xml'), '--kaseyaone');
  await cli('add', '--org', 'globex', '--oidc-discovery', oidc.discoveryUrl, '--client-id', 'globex-app', '--client-secret', 'globex-app-secret');

  const acmeConnectionIds = (JSON.parse(await cli('list', '--org', 'acme', '--json')) as { connections: { clientId: string }[] }).connections.map((c) => c.clientId);

  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  // Initrode: an organization of its own for the organization-level denials, whose
  // settings one spec changes step by step without disturbing the others.
  await sql`insert into organizations (slug, name, kaseyaone_org_id, verified_domains) values ('initrode', 'Initrode', 'k1-partner-initrode', '{initrode.example}')`;
  await sql`insert into provisioning_settings (organization_id, kaseyaone_login_enabled) select id, true from organizations where slug = 'initrode'`;
  fs.writeFileSync(path.join(dataDir, 'idp-initrode.xml'), initrode.metadataXml);
  await cli('add', '--org', 'initrode', '--metadata', path.join(dataDir, 'idp-initrode.xml'), '--kaseyaone');
  fs.writeFileSync(path.join(dataDir, 'idp-platform-k1.xml'), platformK1.metadataXml);
  await cli('add', '--platform-kaseyaone', '--metadata', path.join(dataDir, 'idp-platform-k1.xml'));
  // Two partner organizations with no KaseyaOne connection of their own: the platform IdP serves both.
  for (const [slug, name, partner] of [['umbra', 'Umbra MSP', 'k1-partner-umbra'], ['vortex', 'Vortex IT', 'k1-partner-vortex']] as const) {
    const [o] = await sql`insert into organizations (slug, name, kaseyaone_org_id) values (${slug}, ${name}, ${partner}) returning id`;
    const [role] = await sql`insert into security_roles (organization_id, name, access_level) values (${o!.id}, 'Basic', 0) returning id`;
    await sql`insert into provisioning_settings (organization_id, kaseyaone_login_enabled, auto_creation_enabled, auto_creation_ever_enabled, default_security_role_id)
      values (${o!.id}, true, true, true, ${role!.id})`;
  }
  try {
    const id = async (table: string, org: string, name: string) =>
      (await sql.unsafe(`select t.id from ${table} t join organizations o on o.id = t.organization_id where o.slug = $1 and t.name = $2`, [org, name]))[0]!.id as string;
    const [acme] = await sql`select id, root_person_id from organizations where slug = 'acme'`;
    const [globex] = await sql`select id from organizations where slug = 'globex'`;
    await sql`
      update provisioning_settings set
        method = 'sso_jit', kaseyaone_login_enabled = true, auto_creation_enabled = true, auto_creation_ever_enabled = true,
        default_department_id = ${await id('departments', 'acme', 'Service Desk')},
        default_location_id = ${await id('locations', 'acme', 'Head Office')},
        default_manager_id = ${acme!.root_person_id},
        default_job_title_id = ${await id('job_titles', 'acme', 'Technician')},
        default_employment_type_id = ${await id('employment_types', 'acme', 'Full-time')},
        default_security_role_id = ${await id('security_roles', 'acme', 'Read Only')},
        default_employee_role_id = ${await id('employee_roles', 'acme', 'Level 1 Support')},
        default_client_account_id = ${await id('client_accounts', 'acme', 'Initech')}
      where organization_id = ${acme!.id}`;
    await sql`
      insert into mapping_rules (organization_id, kind, security_group, user_type, security_role_id, position) values
        (${acme!.id}, 'sso', 'Technicians', 'employee', ${await id('security_roles', 'acme', 'Technician')}, 20),
        (${acme!.id}, 'sso', 'Managers', 'employee', ${await id('security_roles', 'acme', 'Service Manager')}, 10)`;
    await sql`update provisioning_settings set method = 'sso_jit' where organization_id = ${globex!.id}`;
    await sql`
      insert into mapping_rules (organization_id, kind, user_type, security_role_id, position)
      values (${globex!.id}, 'sso', 'employee', ${await id('security_roles', 'globex', 'Engineer')}, 10)`;
  } finally {
    await sql.end();
  }

  const state: E2eState = { platformKaseyaOneOrigin: platformK1.origin, initrodeOrigin: initrode.origin, samlOrigin: sso.origin, kaseyaOneOrigin: kaseyaOne.origin, oidcIssuer: oidc.issuer, databaseUrl, appUrl, acmeConnectionIds, graphUrl: graph.url };
  process.env.E2E_STATE = JSON.stringify(state);
  return async () => {
    await Promise.all([sso.close(), kaseyaOne.close(), initrode.close(), platformK1.close(), oidc.close(), graph.stop()]);
  };
}
