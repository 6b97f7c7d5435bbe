import { memo } from 'react';
import { Secret } from './secrets.tsx';
import type { Cell, Fact, TableModel } from './table.ts';

function CellText({ cell, label }: { cell: Cell; label: string }) {
  if (cell.missing) {
    return (
      <span className="md-missing" aria-label="none">
        —
      </span>
    );
  }
  if (cell.secret) return <Secret text={cell.text} label={label} />;
  return <>{cell.text}</>;
}

/** Cells longer than this wrap; shorter ones keep to one line (the table scrolls sideways). */
const LONG_CELL = 32;

/** A table of text cells; wide tables scroll sideways inside their own box. */
export const DataTable = memo(function DataTable({ table }: { table: TableModel }) {
  return (
    <div className="md-table-wrap">
      <table className="md-table">
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.length === 0 ? (
            <tr>
              <td colSpan={table.columns.length} className="md-missing">
                none
              </td>
            </tr>
          ) : (
            table.rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c} className={cell.text.length > LONG_CELL ? 'md-long' : undefined}>
                    <CellText cell={cell} label={table.columns[c] ?? 'value'} />
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
});

/** Label / value pairs as a description list. */
export function Facts({ facts, label }: { facts: readonly Fact[]; label?: string }) {
  if (facts.length === 0) return null;
  return (
    <dl className="md-facts" aria-label={label}>
      {facts.map((f) => (
        <div key={f.label} className="md-facts__row">
          <dt>{f.label}</dt>
          <dd>
            <CellText cell={f.value} label={f.label} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
