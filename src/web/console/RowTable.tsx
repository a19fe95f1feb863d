import { useEffect, useRef, useState } from 'react';
import { useKeys } from '../shared/hooks';
import { fmtAgo, fmtTime } from '../shared/format';
import { Link, navigate } from '../shared/router';
import { Category, Empty, Pill } from '../shared/ui';
import type { Row } from './rows';
import { useCustomerNames } from './names';

/**
 * The list every queue and search shares: j/k move, Enter opens, x selects for a bulk action.
 * The selection is lifted to the page so its bulk bar can act on it.
 */
export function RowTable(props: {
  rows: Row[];
  selected: Set<string>;
  onSelect: (next: Set<string>) => void;
  empty: string;
  extra?: (row: Row) => React.ReactNode;
  selectable?: boolean;
}) {
  const [cursor, setCursor] = useState(0);
  const names = useCustomerNames();
  const body = useRef<HTMLTableSectionElement>(null);
  const rows = props.rows;
  useEffect(() => {
    body.current?.querySelector<HTMLElement>(`tr[data-index="${cursor}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);
  const toggle = (key: string) => {
    const next = new Set(props.selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    props.onSelect(next);
  };
  useKeys(
    {
      j: () => setCursor((c) => Math.min(rows.length - 1, c + 1)),
      ArrowDown: () => setCursor((c) => Math.min(rows.length - 1, c + 1)),
      k: () => setCursor((c) => Math.max(0, c - 1)),
      ArrowUp: () => setCursor((c) => Math.max(0, c - 1)),
      Enter: () => rows[cursor]?.href && navigate(rows[cursor].href!),
      o: () => rows[cursor]?.href && navigate(rows[cursor].href!),
      x: () => props.selectable !== false && rows[cursor] && toggle(rows[cursor].key),
    },
    [rows, cursor, props.selected],
  );
  if (!rows.length) return <Empty>{props.empty}</Empty>;
  const all = rows.every((r) => props.selected.has(r.key));
  return (
    <table className="grid">
      <thead>
        <tr>
          {props.selectable !== false && (
            <th className="check">
              <input type="checkbox" aria-label="Select all" checked={all} onChange={() => props.onSelect(all ? new Set() : new Set(rows.map((r) => r.key)))} />
            </th>
          )}
          <th className="num">#</th>
          <th>Resource</th>
          <th>Category</th>
          <th>Customer</th>
          <th>Status</th>
          <th className="num">Events</th>
          <th>Last activity</th>
          {props.extra && <th />}
        </tr>
      </thead>
      <tbody ref={body}>
        {rows.map((r, i) => (
          <tr key={r.key} data-index={i} className={i === cursor ? 'cursor' : undefined} onMouseDown={() => setCursor(i)}>
            {props.selectable !== false && (
              <td className="check">
                <input type="checkbox" aria-label={`Select ${r.kind} ${r.id}`} checked={props.selected.has(r.key)} onChange={() => toggle(r.key)} />
              </td>
            )}
            <td className="num mono">{r.href ? <Link to={r.href}>{r.id}</Link> : r.id}</td>
            <td className="mono strong">
              {r.href ? <Link to={r.href}>{r.title}</Link> : r.title}
              {r.detail && <div className="sub">{r.detail}</div>}
            </td>
            <td>{r.category ? <Category value={r.category} /> : '—'}</td>
            <td title={r.customer ?? undefined}>{r.customer ? (names.get(r.customer) ?? r.customer) : r.kind === 'event' ? <span className="muted">nobody held it</span> : <span className="muted">—</span>}</td>
            <td>{r.status && <Pill value={r.status} />}</td>
            <td className="num">{r.count ?? ''}</td>
            <td title={fmtTime(r.at)}>{fmtAgo(r.at)}</td>
            {props.extra && <td className="row-actions">{props.extra(r)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
