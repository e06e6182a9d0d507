import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/auth/viewer';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  redirect(viewer.isAdmin ? '/admin/auth-provision' : '/hr/employees');
}
