/** Pieces the Overview, Runs and Reminders screens share: the per-type table of a run and its progress. */
import { ENTITIES, isEntityType } from '../entities';
import { href } from '../router';
import type { RunProgress, RunSummary } from '../types';
import { StatusBadge, TableWrap } from '../ui';

const label = (type: string) => (isEntityType(type) ? `${ENTITIES[type].label}s` : type);

/** A finished run's counts per entity type. */
export function SummaryTable({ summary, caption }: { summary: RunSummary; caption: string }) {
  const rows = Object.entries(summary.entities);
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Entity type</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Pushed
            </th>
            <th scope="col" class="num">
              Pulled
            </th>
            <th scope="col" class="num">
              Unchanged
            </th>
            <th scope="col" class="num">
              Failed
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([type, r]) => (
            <tr key={type}>
              <th scope="row">{label(type)}</th>
              <td>
                <StatusBadge status={r?.status ?? 'unknown'} />
                {r?.error && <span class="error-text"> {r.error}</span>}
              </td>
              <td class="num">{r?.counts.pushed ?? 0}</td>
              <td class="num">{r?.counts.pulled ?? 0}</td>
              <td class="num">{r?.counts.unchanged ?? 0}</td>
              <td class="num">{r?.counts.failed ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** A running run's live progress per entity type. */
export function ProgressTable({ progress }: { progress: RunProgress }) {
  return (
    <TableWrap label="Progress per entity type">
      <table>
        <caption>Progress per entity type</caption>
        <thead>
          <tr>
            <th scope="col">Entity type</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Pushed
            </th>
            <th scope="col" class="num">
              Pulled
            </th>
            <th scope="col" class="num">
              Failed
            </th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(progress.entities).map(([type, p]) =>
            !p ? null : (
              <tr key={type}>
                <th scope="row">{label(type)}</th>
                <td>
                  <StatusBadge status={p.status} />{' '}
                  {p.status === 'running' && <span class="muted">{p.phase}</span>}
                </td>
                <td class="num">{p.counts.pushed}</td>
                <td class="num">{p.counts.pulled}</td>
                <td class="num">{p.counts.failed}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </TableWrap>
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
