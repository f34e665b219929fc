import { flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { download, toCsv } from './csv.ts';

export interface Col<T> {
  id: string;
  header: string;
  /** The raw value: used for sorting and for the CSV export. */
  value: (row: T) => string | number | null;
  /** How the cell looks; defaults to the value. */
  cell?: (row: T) => ReactNode;
  align?: 'left' | 'right';
  /** Its width at ease (px); without one the column shares what is left of the table's width. */
  width?: number;
  /** The narrowest it may get when the panel is short of room (px): a number must still show whole at this. */
  min?: number;
  /** Numeric sort on decimal strings. */
  numeric?: boolean;
  /** Long free text (a summary, a reason) that may be cut with an ellipsis, its tooltip telling the whole. */
  cut?: boolean;
  /** Cut at its start when too narrow ("…3f9-1-2"): ids that share a prefix differ at their end. */
  clipStart?: boolean;
  /** Pinned to the right edge (row actions): visible whatever the horizontal scroll. */
  pinned?: boolean;
}

/** Width a column without a fixed width gets at least; it shares what is left of the table's width. */
const FLEX_MIN = 90;

export interface DataTableProps<T> {
  columns: readonly Col<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** CSV file name (without .csv); shows the export button when set. */
  exportName?: string;
  empty?: ReactNode;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  testId?: string;
  label: string;
  rowHeight?: number;
  toolbar?: ReactNode;
  initialSort?: SortingState;
}

/**
 * The one table of the app: TanStack Table for sorting, TanStack Virtual so 100k rows cost what 30 do, and a CSV
 * export of the rows in their current order.
 */
export function DataTable<T>({ columns, rows, rowKey, exportName, empty, onRowClick, selectedKey, testId, label, rowHeight = 26, toolbar, initialSort = [] }: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>(initialSort);
  const defs = useMemo<ColumnDef<T>[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: (r: T) => {
          const v = c.value(r);
          return c.numeric && typeof v === 'string' ? Number(v) : v;
        },
        cell: (info) => (c.cell ? c.cell(info.row.original) : String(c.value(info.row.original) ?? '')),
        size: c.width ?? 120,
        sortUndefined: 'last',
      })),
    [columns],
  );
  const data = useMemo(() => [...rows], [rows]);
  const table = useReactTable({ data, columns: defs, state: { sorting }, onSortingChange: setSorting, getCoreRowModel: getCoreRowModel(), getSortedRowModel: getSortedRowModel(), getRowId: rowKey });
  const sorted = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: sorted.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  // Every row is its own grid: they line up only if each has the same width and no track depends on content. So
  // tracks are fixed or minmax(fixed, 1fr), and the head and every row share one explicit minimum width.
  // A column with a width and a min gives way down to its min before the table scrolls sideways.
  const track = (c: Col<T>) => (c.width ? (c.min !== undefined && c.min < c.width ? `minmax(${c.min}px, ${c.width}px)` : `${c.width}px`) : `minmax(${c.min ?? FLEX_MIN}px, 1fr)`);
  const template = columns.map(track).join(' ');
  const minWidth = columns.reduce((n, c) => n + (c.min ?? c.width ?? FLEX_MIN), 0);
  const cellClass = (c: Col<T>, base: string) => `${base}${c.align === 'right' ? ' num' : ''}${c.pinned ? ' dt-pinned' : ''}${c.clipStart && base === 'dt-td' ? ' dt-clip-start' : ''}${c.cut && base === 'dt-td' ? ' dt-cut' : ''}`;

  const exportCsv = () => {
    const data = columns.filter((c) => !c.pinned);
    const csv = toCsv(
      data.map((c) => c.header),
      sorted.map((r) => data.map((c) => c.value(r.original))),
    );
    download(`${exportName}.csv`, csv);
  };

  return (
    <div className="dt" data-testid={testId}>
      {(toolbar || exportName) && (
        <div className="dt-toolbar">
          {toolbar}
          {exportName && (
            <button className="ghost small" onClick={exportCsv} disabled={rows.length === 0} title="Export the rows in their current order as CSV">
              Export CSV
            </button>
          )}
        </div>
      )}
      <div className="dt-scroll" ref={scroller} role="table" aria-label={label} aria-rowcount={sorted.length + 1}>
        <div className="dt-head" role="row" style={{ gridTemplateColumns: template, minWidth }}>
          {table.getHeaderGroups()[0]!.headers.map((h, i) => {
            const dir = h.column.getIsSorted();
            return (
              <div
                key={h.id}
                role="columnheader"
                aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                className={cellClass(columns[i]!, 'dt-th')}
                title={columns[i]!.header || undefined}
                onClick={h.column.getToggleSortingHandler()}
                tabIndex={0}
                onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), h.column.toggleSorting())}
              >
                {flexRender(h.column.columnDef.header, h.getContext())}
                <span className="dt-sort">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}</span>
              </div>
            );
          })}
        </div>
        {sorted.length === 0 ? (
          <div className="dt-empty">{empty ?? 'Nothing to show'}</div>
        ) : (
          <div style={{ height: virt.getTotalSize(), position: 'relative', minWidth }}>
            {virt.getVirtualItems().map((v) => {
              const row = sorted[v.index]!;
              const selected = selectedKey !== undefined && selectedKey === row.id;
              return (
                <div
                  key={row.id}
                  role="row"
                  data-key={row.id}
                  className={`dt-row${selected ? ' selected' : ''}${onRowClick ? ' clickable' : ''}${v.index % 2 ? ' odd' : ''}`}
                  style={{ gridTemplateColumns: template, minWidth, height: rowHeight, transform: `translateY(${v.start}px)` }}
                  onClick={onRowClick ? () => onRowClick(row.original) : undefined}
                >
                  {row.getVisibleCells().map((cell, i) => {
                    const c = columns[i]!;
                    // A cut cell still tells its whole value on hover: the text it shows when that is text (a
                    // formatted time, not its epoch ms), else the raw value, which data-value keeps for machines.
                    const raw = c.value(row.original);
                    const shown = c.cell ? c.cell(row.original) : null;
                    const tip = typeof shown === 'string' ? shown : raw;
                    return (
                      <div key={cell.id} role="cell" className={cellClass(c, 'dt-td')} title={tip === null || tip === '' ? undefined : String(tip)} data-value={raw ?? undefined}>
                        {c.clipStart ? <bdi>{flexRender(cell.column.columnDef.cell, cell.getContext())}</bdi> : flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
