import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PersonAdmin } from '@/components/person-admin';
import { PersonDetails } from '@/components/person-details';
import { PersonRemoval } from '@/components/person-removal';
import { Badge, Card, PageHeader } from '@/components/ui/page';
import { listEvents, logFiltersSchema } from '@/lib/audit/log';
import { requireViewer } from '@/lib/auth/viewer';
import { getDb } from '@/lib/db/client';
import { getPerson, LOCKABLE_FIELDS } from '@/lib/people/person';
import { listPersonGroups } from '@/lib/users/groups';
import { lookupsFor, PERSON_LOOKUP_FIELDS, PHONE_TYPE_LABELS, type PersonEditInput } from '@/lib/people/schemas';
import { loadLookupOptions } from '@/lib/settings/kaseyaone';
import { editPersonAction, removePersonAction, restorePersonAction, updatePersonAction } from './actions';

export const metadata: Metadata = { title: 'Person' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SOURCE = { local: 'Local', sso_jit: 'SSO JIT', kaseyaone: 'KaseyaOne', azure_ad: 'Azure AD', scim: 'SCIM directory' } as const;
const GROUP_SOURCE = { sso: 'SSO', kaseyaone: 'KaseyaOne', azure: 'Azure AD', scim: 'SCIM directory' } as const;

/** Where the person came from, and whether Azure AD keeps them in step now (a person merged by email keeps their origin). */
function sourceText(person: { source: keyof typeof SOURCE; identities: { source: string }[] }): string {
  const synced = person.identities.some((i) => i.source === 'azure');
  if (person.source === 'azure_ad') return 'Azure AD (synced)';
  return synced ? `${SOURCE[person.source]} · synced from Azure AD` : SOURCE[person.source];
}

/** One person of the viewer's organization; anyone else's id is a 404. */
export default async function PersonPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await requireViewer();
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const db = getDb();
  const person = await getPerson(db, viewer.organizationId, id);
  if (!person) notFound();
  const [events, options, groups] = await Promise.all([
    viewer.isAdmin ? listEvents(db, viewer.organizationId, logFiltersSchema.parse({ personId: id, pageSize: '20' })) : null,
    loadLookupOptions(db, viewer.organizationId),
    listPersonGroups(db, viewer.organizationId, id),
  ]);
  const lookups = lookupsFor(person);
  // The manager list holds active employees only: keep a current manager who is not one selectable.
  if (person.managerId && !options.managerId.some((o) => o.id === person.managerId)) {
    const manager = await getPerson(db, viewer.organizationId, person.managerId);
    if (manager) options.managerId = [...options.managerId, { id: manager.id, name: `${manager.firstName} ${manager.lastName}`.trim() || manager.email, hint: manager.status }];
  }
  const rows: [string, string][] = [
    ['Email', person.email],
    ['Username', person.username ?? '—'],
    ['Type', person.type === 'employee' ? 'Employee' : 'Client portal contact'],
    ['Source', sourceText(person)],
    ['Phone', person.phone ? (person.phoneType ? `${person.phone} (${PHONE_TYPE_LABELS[person.phoneType]})` : person.phone) : '—'],
    ['Last login', person.lastLoginAt ? person.lastLoginAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'Never'],
    ...lookups.map((f): [string, string] => [PERSON_LOOKUP_FIELDS[f], options[f].find((o) => o.id === person[f])?.name ?? '—']),
  ];
  const edit = viewer.isAdmin
    ? {
        values: {
          personId: person.id,
          firstName: person.firstName,
          lastName: person.lastName,
          username: person.username ?? '',
          email: person.email,
          phone: person.phone ?? '',
          phoneType: person.phoneType ?? '',
          ...Object.fromEntries(lookups.map((f) => [f, person[f] ?? ''])),
        } as PersonEditInput,
        options,
        save: editPersonAction,
      }
    : null;
  return (
    <>
      <PageHeader
        trail={[person.type === 'employee' ? 'HR' : 'CRM', person.type === 'employee' ? 'Employees' : 'Contacts']}
        title={`${person.firstName} ${person.lastName}`.trim() || person.email}
        meta={
          <>
            <Badge tone={person.status === 'active' ? 'green' : 'amber'}>{person.status[0]!.toUpperCase() + person.status.slice(1)}</Badge>
            {person.isRoot ? <Badge tone="blue">Root user</Badge> : null}
            {person.removedAt ? <Badge tone="red">Removed</Badge> : null}
            {person.lockedFields.length ? <Badge>Locked: {person.lockedFields.map((f) => LOCKABLE_FIELDS[f as keyof typeof LOCKABLE_FIELDS] ?? f).join(', ')}</Badge> : null}
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="p-6 lg:col-span-2">
          <PersonDetails lookups={lookups} edit={edit}>
            <dl className="grid gap-4 sm:grid-cols-2" aria-label="Person details">
              {rows.map(([k, v]) => (
                <div key={k}>
                  <dt className="text-xs font-medium uppercase tracking-wide text-ink-muted">{k}</dt>
                  <dd className="mt-1 text-sm text-ink">{v}</dd>
                </div>
              ))}
            </dl>
          </PersonDetails>
          <h2 className="mb-2 mt-6 text-sm font-semibold text-ink">External ids</h2>
          {person.identities.length ? (
            <ul className="space-y-1 text-sm">
              {person.identities.map((i) => (
                <li key={`${i.source}${i.scope}${i.externalId}`} className="font-mono text-xs text-ink-muted">
                  {i.source} · {i.externalId}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-ink-muted">None: this person has not signed in through an identity provider.</p>
          )}
          <h2 className="mb-2 mt-6 text-sm font-semibold text-ink">Groups at the identity provider</h2>
          {groups.length ? (
            <table className="w-full text-left text-sm" aria-label="Groups">
              <thead className="text-xs uppercase tracking-wide text-ink-muted">
                <tr>
                  <th className="py-1 pr-3 font-medium">Group</th>
                  <th className="py-1 pr-3 font-medium">Source</th>
                  <th className="py-1 font-medium">Last seen (UTC)</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {groups.map((g) => (
                  <tr key={`${g.source}:${g.groupName}`}>
                    <td className="py-1 pr-3 wrap-anywhere">{g.groupName}</td>
                    <td className="py-1 pr-3 text-ink-muted">{GROUP_SOURCE[g.source]}</td>
                    <td className="py-1 text-ink-muted">{g.lastSeenAt.toISOString().slice(0, 16).replace('T', ' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="text-sm text-ink-muted">None reported: the identity provider sent no groups at the last login or sync.</p>
          )}
        </Card>
        {viewer.isAdmin ? (
          <Card className="p-6">
            <h2 className="mb-4 text-sm font-semibold text-ink">Administration</h2>
            <PersonAdmin personId={person.id} status={person.status} locked={person.lockedFields} isRoot={person.isRoot} removed={person.removedAt !== null} update={updatePersonAction} />
            <PersonRemoval
              personId={person.id}
              removed={person.removedAt ? { at: person.removedAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC', reason: person.removedReason } : null}
              blocked={person.isRoot ? 'The root user cannot be removed.' : person.id === viewer.personId ? 'You cannot remove yourself.' : null}
              remove={removePersonAction}
              restore={restorePersonAction}
            />
          </Card>
        ) : null}
      </div>
      {events ? (
        <Card className="mt-6 p-6">
          <h2 className="mb-3 text-sm font-semibold text-ink">Provisioning events</h2>
          {events.rows.length === 0 ? (
            <p className="text-sm text-ink-muted">No events yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm" aria-label="Person events">
              {events.rows.map((e) => (
                <li key={e.id} className="py-2">
                  <span className="text-ink-muted">{e.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</span> · <span className="font-medium">{e.type.replace(/_/g, ' ')}</span>
                  {e.reasonCode ? <span className="font-mono text-xs"> · {e.reasonCode}</span> : null}
                  {e.diff.length ? <span className="text-xs text-ink-muted"> · {e.diff.map((d) => `${d.label}: ${d.before} → ${d.after}`).join('; ')}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}
    </>
  );
}
