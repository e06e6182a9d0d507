'use client';

import { createColumnHelper, tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';

// One table primitive (TanStack Table v9, core rows only): the server already searched,
// sorted and paginated (the one pagination contract), so the table just renders a page.

type ColumnMeta = { className?: string; headerClassName?: string; headerLabel?: string; ariaSort?: 'ascending' | 'descending' };

export const dataTableFeatures = tableFeatures({ columnMeta: {} as ColumnMeta });
export type DataTableFeatures = typeof dataTableFeatures;
export type DataTableColumn<Row extends RowData> = ColumnDef<DataTableFeatures, Row, any>;

/** Column definitions for rows of type Row, typed against the shared features. */
export const columnsFor = <Row extends RowData>() => createColumnHelper<DataTableFeatures, Row>();

const VARIANTS = {
  /** Inside a card section, flush with the text around it. */
  plain: { head: 'text-left text-xs font-semibold uppercase tracking-wide text-ink-muted', th: 'py-2 pr-3', td: 'py-2 pr-3' },
  /** Filling a card: shaded header, padded cells. */
  card: { head: 'bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-ink-muted', th: 'px-4 py-3', td: 'px-4 py-3' },
} as const;

export function DataTable<Row extends RowData>({
  label,
  columns,
  data,
  getRowId,
  variant = 'plain',
}: {
  label: string;
  columns: DataTableColumn<Row>[];
  data: Row[];
  getRowId: (row: Row) => string;
  variant?: keyof typeof VARIANTS;
}) {
  const table = useTable({ features: dataTableFeatures, columns, data, getRowId });
  const v = VARIANTS[variant];
  return (
    <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={label}>
      <thead className={v.head}>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => {
              const meta = header.column.columnDef.meta;
              return (
                <th key={header.id} scope="col" aria-label={meta?.headerLabel} aria-sort={meta?.ariaSort} className={`${v.th} ${meta?.headerClassName ?? ''}`}>
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody className="divide-y divide-slate-100">
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id} data-row-id={row.id}>
            {row.getAllCells().map((cell) => (
              <td key={cell.id} className={`${v.td} ${cell.column.columnDef.meta?.className ?? ''}`}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
