import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';

// Set-based writes for a sync page: one statement per table, each column sent as one
// array parameter and spread with unnest(), so 200 or 2,000 rows cost one round trip and
// a handful of parameters instead of thousands. The statements of one page are issued
// together and pipelined on the transaction's connection.

type Column<R> = readonly [name: string, type: string, read: (row: R) => unknown];

function unnestSelect<R>(rows: readonly R[], columns: readonly Column<R>[]): SQL {
  const arrays = columns.map(([, type, read]) => {
    const base = type;
    // jsonb, enums and arrays (as literals) travel as text and are cast per element.
    const wire = ['uuid', 'text', 'timestamptz', 'boolean', 'integer'].includes(base) ? base : 'text';
    const values = rows.map((r) => {
      const v = read(r);
      if (v === null || v === undefined) return null;
      if (base === 'jsonb') return JSON.stringify(v);
      if (v instanceof Date) return v.toISOString();
      return String(v);
    });
    return sql`${arrayLiteral(values)}::${sql.raw(wire)}[]`;
  });
  const names = columns.map(([name]) => sql.raw(`"${name}"`));
  const casts = columns.map(([name, type]) => sql.raw(`"${name}"::${type}`));
  return sql`select ${sql.join(casts, sql`, `)} from unnest(${sql.join(arrays, sql`, `)}) as t(${sql.join(names, sql`, `)})`;
}

export function bulkInsert<R>(tx: Tx, table: string, rows: readonly R[], columns: readonly Column<R>[], suffix: SQL = sql``): Promise<unknown> {
  if (!rows.length) return Promise.resolve();
  const names = columns.map(([name]) => sql.raw(`"${name}"`));
  return tx.execute(sql`insert into ${sql.raw(`"${table}"`)} (${sql.join(names, sql`, `)}) ${unnestSelect(rows, columns)} ${suffix}`);
}

/** update <table> set <each non-key column> from unnest(...) where id = t.id and organization_id = … */
export function bulkUpdate<R>(tx: Tx, table: string, organizationId: string, rows: readonly R[], columns: readonly Column<R>[]): Promise<unknown> {
  if (!rows.length) return Promise.resolve();
  const sets = columns.filter(([name]) => name !== 'id').map(([name]) => sql.raw(`"${name}" = u."${name}"`));
  return tx.execute(
    sql`update ${sql.raw(`"${table}"`)} p set ${sql.join(sets, sql`, `)} from (${unnestSelect(rows, columns)}) u where p.id = u.id and p.organization_id = ${organizationId}`,
  );
}

export type { Column };

/** A PostgreSQL array literal, every element quoted: the driver sends it as one text parameter. */
export function arrayLiteral(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}
