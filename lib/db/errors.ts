/** A unique-index violation (SQLSTATE 23505), optionally of one named index, wherever drizzle wrapped it. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e = err as { code?: string; constraint_name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return constraint === undefined || e.constraint_name === constraint;
  }
  return false;
}
