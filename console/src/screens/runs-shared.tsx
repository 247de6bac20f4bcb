/** Pieces the Overview, Runs and Reminders screens share: the per-type table of a run and its progress. */
import type { ComponentChildren } from 'preact';
import { ENTITIES, isEntityType } from '../entities';
import { href } from '../router';
import type { RunProgress, RunSummary } from '../types';
import { StatusBadge, TableWrap } from '../ui';

const label = (type: string) => (isEntityType(type) ? `${ENTITIES[type].label}s` : type);

type CountColumn = 'pushed' | 'pulled' | 'unchanged' | 'failed';

interface EntityRow {
  type: string;
  status: string;
  /** Beside the status: the error that ended the type, or the phase it is in. */
  note?: ComponentChildren;
  counts: Record<CountColumn, number>;
}

const COLUMN_LABELS: Record<CountColumn, string> = {
  pushed: 'Pushed',
  pulled: 'Pulled',
  unchanged: 'Unchanged',
  failed: 'Failed',
};

/** One row per entity type: its status and the chosen counts. */
function EntityTable({
  caption,
  rows,
  columns,
}: {
  caption: string;
  rows: EntityRow[];
  columns: CountColumn[];
}) {
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Entity type</th>
            <th scope="col">Status</th>
            {columns.map((c) => (
              <th key={c} scope="col" class="num">
                {COLUMN_LABELS[c]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.type}>
              <th scope="row">{label(r.type)}</th>
              <td>
                <StatusBadge status={r.status} /> {r.note}
              </td>
              {columns.map((c) => (
                <td key={c} class="num">
                  {r.counts[c]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** A finished run's counts per entity type. */
export function SummaryTable({ summary, caption }: { summary: RunSummary; caption: string }) {
  const rows = Object.entries(summary.entities).flatMap(([type, r]) =>
    r
      ? [
          {
            type,
            status: r.status,
            note: r.error && <span class="error-text">{r.error}</span>,
            counts: r.counts,
          },
        ]
      : [],
  );
  return <EntityTable caption={caption} rows={rows} columns={['pushed', 'pulled', 'unchanged', 'failed']} />;
}

/** A running run's live progress per entity type. */
export function ProgressTable({ progress }: { progress: RunProgress }) {
  const rows = Object.entries(progress.entities).flatMap(([type, p]) =>
    p
      ? [
          {
            type,
            status: p.status,
            note: p.status === 'running' && <span class="muted">{p.phase}</span>,
            counts: p.counts,
          },
        ]
      : [],
  );
  return (
    <EntityTable caption="Progress per entity type" rows={rows} columns={['pushed', 'pulled', 'failed']} />
  );
}

/** The failed records of a run, each linking to its record page. */
export function FailureList({ summary }: { summary: RunSummary }) {
  if (summary.failures.length === 0) return <p class="state state-empty">No record failed in this run.</p>;
  return (
    <ul class="failures">
      {summary.failures.map((f) => (
        <li key={`${f.entity}/${f.recordId}`}>
          <a href={href('records', f.entity, f.recordId)}>{f.label}</a>:{' '}
          <span class="error-text">{f.message}</span>
        </li>
      ))}
    </ul>
  );
}
