import type { ReactNode } from 'react';
import { SideNav, type NavSection } from '@/components/shell/nav';
import { Button } from '@/components/ui/button';
import { requireViewer } from '@/lib/auth/viewer';
import { signOutAction } from '../login/actions';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // Every page checks the viewer itself; the layout lets an admin who must first turn on
  // two-factor reach its setup page (the other pages send them there).
  const viewer = await requireViewer({ setup: true });
  const sections: NavSection[] = [
    ...(viewer.isAdmin
      ? [
          {
            heading: 'Admin › My Company',
            items: [
              { href: '/admin/auth-provision', label: 'Auth & Provision' },
              { href: '/admin/azure-ad', label: 'Azure AD Sync' },
              { href: '/admin/kaseyaone-settings', label: 'KaseyaOne Settings' },
              { href: '/provisioning-log', label: 'Provisioning Log' },
            ],
          },
        ]
      : []),
    { heading: 'HR', items: [{ href: '/hr/employees', label: 'Employees' }] },
    { heading: 'CRM', items: [{ href: '/crm/contacts', label: 'Contacts' }] },
    { heading: 'My Account', items: [{ href: '/account/two-factor', label: 'Two-factor authentication' }] },
  ];
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-64 shrink-0 flex-col bg-slate-900 px-3 py-5">
        <div className="mb-8 flex items-center gap-2 px-3">
          <span className="flex h-8 w-8 items-center justify-center rounded-lg bg-brand-600 text-sm font-semibold text-white" aria-hidden>
            A
          </span>
          <span className="text-sm font-semibold text-white">Auth &amp; Provision</span>
        </div>
        <SideNav sections={sections} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-between border-b border-slate-200 bg-white px-8">
          <p className="text-sm font-medium text-ink" data-testid="org-name">
            {viewer.organizationName}
          </p>
          <div className="flex items-center gap-4">
            <span className="text-sm text-ink-muted" data-testid="viewer">
              {viewer.name} · {viewer.email}
            </span>
            <form action={signOutAction}>
              <Button type="submit" variant="secondary" className="py-1.5">
                Sign out
              </Button>
            </form>
          </div>
        </header>
        <main className="mx-auto w-full max-w-6xl flex-1 px-8 py-8">{children}</main>
      </div>
    </div>
  );
}
