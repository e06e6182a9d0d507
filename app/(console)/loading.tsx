/** Shown while a console page loads its data on the server. */
export default function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading" className="animate-pulse space-y-4">
      <div className="h-3 w-32 rounded bg-slate-200" />
      <div className="h-7 w-64 rounded bg-slate-200" />
      <div className="h-4 w-96 rounded bg-slate-100" />
      <div className="mt-6 h-64 rounded-xl border border-slate-200 bg-white" />
    </div>
  );
}
