import type { Severity } from '../projections/findings.ts';
import type { SessionSummary } from '../projections/summary.ts';
import { formatDuration } from '../views/EventList/format.ts';

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en')} ${word}${count === 1 ? '' : 's'}`;
}

interface Item {
  readonly label: string;
  readonly value: string;
  readonly tone?: 'error' | 'warning';
}

/** The session in numbers, one line under the top bar. */
export function SummaryBar({
  summary,
  findings,
  machineChecks = true,
  analysing,
}: {
  summary: SessionSummary;
  findings: Record<Severity, number>;
  /** False when the machines' findings were not computed (a very large session). */
  machineChecks?: boolean;
  /** The analysis is still under way: how far it got (events). */
  analysing?:
    { readonly done: number; readonly total: number; readonly reading?: boolean } | undefined;
}) {
  const n = (v: number) => v.toLocaleString('en');
  const items: Item[] = [
    { label: 'events', value: n(summary.events) },
    {
      label: summary.connections === 1 ? 'connection' : 'connections',
      value: n(summary.connections),
    },
    { label: 'duration', value: formatDuration(summary.durationMs) },
  ];
  // protoo counts for protoo sessions; mesh / two-party sessions count their room messages.
  if (summary.requests + summary.notifications > 0 || summary.roomMessages === 0) {
    items.push(
      { label: `requests (${n(summary.answered)} answered)`, value: n(summary.requests) },
      { label: 'notifications', value: n(summary.notifications) },
    );
  }
  if (summary.roomMessages > 0) {
    const kind =
      summary.protocol === 'mesh'
        ? 'mesh'
        : summary.protocol === 'two-party'
          ? 'two-party'
          : 'room';
    items.push({ label: `${kind} messages`, value: n(summary.roomMessages) });
  }
  if (summary.errorResponses > 0)
    items.push({ label: 'error responses', value: n(summary.errorResponses), tone: 'error' });
  if (summary.timedOut > 0)
    items.push({ label: 'timed out', value: n(summary.timedOut), tone: 'error' });
  if (summary.cut > 0) items.push({ label: 'cut', value: n(summary.cut), tone: 'warning' });
  if (summary.invalidFrames > 0)
    items.push({ label: 'invalid frames', value: n(summary.invalidFrames), tone: 'error' });
  if (summary.lateResponses + summary.orphanResponses > 0) {
    items.push({
      label: 'orphan / late',
      value: n(summary.lateResponses + summary.orphanResponses),
      tone: 'warning',
    });
  }
  if (summary.latency.p50 !== null)
    items.push({ label: 'median latency', value: formatDuration(summary.latency.p50) });
  if (summary.dialect !== 'none') items.push({ label: 'dialect', value: summary.dialect });
  if (analysing) {
    const pct = Math.floor((100 * analysing.done) / Math.max(1, analysing.total));
    items.push({
      label: `analysed (${n(analysing.done)} of ${n(analysing.total)} events${analysing.reading ? ' read so far' : ''}; findings follow)`,
      value: `${String(pct)}%`,
    });
  } else
    items.push({
      label: machineChecks
        ? 'findings'
        : 'findings (machine checks skipped for a session this large: run signalscope check)',
      value: `${plural(findings.error, 'error')} · ${plural(findings.warning, 'warning')}`,
      ...(findings.error > 0
        ? { tone: 'error' as const }
        : findings.warning > 0
          ? { tone: 'warning' as const }
          : {}),
    });
  return (
    <dl className="summary-bar" aria-label="Session summary">
      {items.map((it) => (
        <div
          key={it.label}
          className={it.tone ? `summary-item summary-item--${it.tone}` : 'summary-item'}
        >
          <dt>{it.label}</dt>
          <dd>{it.value}</dd>
        </div>
      ))}
    </dl>
  );
}
