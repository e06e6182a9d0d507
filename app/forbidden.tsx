import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-brand-600">403</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">You don’t have access to this page</h1>
      <p className="mt-2 max-w-md text-sm text-ink-muted">Admin pages need a security role with admin rights. Ask your organization’s administrator if you need access.</p>
      <Link href="/hr/employees" className="mt-6 text-sm font-medium text-brand-600 hover:text-brand-700">
        Go to Employees
      </Link>
    </main>
  );
}
