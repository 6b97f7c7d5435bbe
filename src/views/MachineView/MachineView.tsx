import { useMemo, useState } from 'react';
import type { MachineViewProps } from '../shared/types.ts';
import { activeAt, history, stateName } from './active.ts';
import {
  MACHINE_KINDS,
  findInstance,
  instanceKey,
  listInstances,
  parseInstanceKey,
  type MachineInstance,
  type MachineInstanceRef,
  type MachineKindSpec,
} from './instances.ts';
import { HistoryList } from './HistoryList.tsx';
import { MachineDiagram } from './MachineDiagram.tsx';
import { diagramOf, useMachineLayout } from './useMachineLayout.ts';
import './MachineView.css';

export interface MachineViewComponentProps extends MachineViewProps {
  /** The instance shown (controlled); without it the view keeps its own choice. */
  readonly instance?: MachineInstanceRef | null;
  readonly onInstanceChange?: (instance: MachineInstanceRef) => void;
  /** The machine kinds listed (default: every kind in {@link MACHINE_KINDS}). */
  readonly kinds?: readonly MachineKindSpec[];
  /** History entries kept (the latest; default 500). */
  readonly historyLimit?: number;
}

function seqText(props: MachineViewProps): string {
  const { analysis, cursor } = props;
  if (cursor < 0 || cursor >= analysis.log.length) return 'before the first event';
  return `seq ${analysis.log.seq(cursor)}`;
}

/**
 * Any machine instance of the session drawn from its definition: the active state(s)
 * highlighted, the transition that led there animated, the past states listed with the
 * events that caused them, and the context at the cursor.
 */
export function MachineView(props: MachineViewComponentProps) {
  const { analysis, drivers, kinds = MACHINE_KINDS } = props;
  const length = analysis.log.length;
  const instances = useMemo(
    () => listInstances(drivers, analysis, kinds),
    // The log grows in a live session: new instances appear with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [drivers, analysis, kinds, length],
  );
  const [own, setOwn] = useState<MachineInstanceRef | null>(null);
  const wanted = props.instance === undefined ? own : props.instance;
  const instance = findInstance(instances, wanted) ?? instances[0];

  if (instance === undefined) {
    return (
      <div className="machine-view machine-view--empty">
        <div className="mv-empty" role="status">
          <p className="mv-empty__title">No machine in this capture.</p>
          <p className="mv-muted">
            State machines are drawn for signaling connections (protoo, mediasoup) and for peer
            connections (<code>pc</code> events). Open a capture that has them, or record one with
            the extension or the proxy.
          </p>
        </div>
      </div>
    );
  }

  const choose = (key: string) => {
    const ref = parseInstanceKey(key);
    if (ref === undefined) return;
    setOwn(ref);
    props.onInstanceChange?.(ref);
  };

  return (
    <div className="machine-view">
      <InstancePicker instances={instances} kinds={kinds} value={instance} onChange={choose} />
      <InstanceBody {...props} instance={instance} />
    </div>
  );
}

function InstancePicker({
  instances,
  kinds,
  value,
  onChange,
}: {
  instances: readonly MachineInstance[];
  kinds: readonly MachineKindSpec[];
  value: MachineInstance;
  onChange: (key: string) => void;
}) {
  const groups = kinds
    .map((k) => ({ kind: k, list: instances.filter((i) => i.kind === k.kind) }))
    .filter((g) => g.list.length > 0);
  return (
    <div className="mv-toolbar">
      <label className="mv-picker">
        <span className="mv-picker__label">Machine</span>
        <select
          className="mv-picker__select"
          value={instanceKey(value)}
          onChange={(e) => {
            onChange(e.target.value);
          }}
        >
          {groups.map((g) => (
            <optgroup key={g.kind.kind} label={g.kind.label}>
              {g.list.map((i) => {
                const n = i.changes().length;
                return (
                  <option key={instanceKey(i)} value={instanceKey(i)}>
                    {`${i.kindLabel} ${i.id} — ${n.toLocaleString('en-US')} ${n === 1 ? 'change' : 'changes'}`}
                  </option>
                );
              })}
            </optgroup>
          ))}
        </select>
      </label>
      <span className="mv-muted mv-toolbar__count">
        {instances.length} {instances.length === 1 ? 'machine' : 'machines'}
      </span>
    </div>
  );
}

function InstanceBody(props: MachineViewComponentProps & { readonly instance: MachineInstance }) {
  const { instance, cursor, selected, onSelect, historyLimit = 500 } = props;
  const { graph } = instance;
  const diagram = diagramOf(graph);
  const layout = useMachineLayout(diagram);
  const length = props.analysis.log.length;
  const at = useMemo(
    () => activeAt(instance, cursor),
    // `length`: a live session's drivers grow under the same instance object.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [instance, cursor, length],
  );
  const past = useMemo(
    () => history(instance, cursor, historyLimit),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [instance, cursor, historyLimit, length],
  );
  const where = seqText(props);
  const label = `State machine ${instance.kindLabel} ${instance.id} at ${where}`;
  const log = props.analysis.log;
  const firstSeq = at.firstIndex >= 0 && at.firstIndex < log.length ? log.seq(at.firstIndex) : -1;

  return (
    <div className="mv-body">
      <div className="mv-main">
        <p className="mv-status" aria-live="polite">
          {at.started ? (
            <StatusLine instance={instance} at={at} />
          ) : (
            <>
              <strong>Not started at {where}</strong>
              {firstSeq >= 0 ? (
                <>
                  {' '}
                  — its first event is seq {firstSeq}.{' '}
                  <button
                    type="button"
                    className="button button--quiet mv-link"
                    onClick={() => onSelect?.(at.firstIndex)}
                  >
                    Go to seq {firstSeq}
                  </button>
                </>
              ) : (
                ' — it has no events yet.'
              )}
            </>
          )}
        </p>
        {diagram.rootInternal.length > 0 && (
          <p className="mv-caption">
            In every state, also handles: {diagram.rootInternal.join(', ')}
          </p>
        )}
        {layout.status === 'ready' ? (
          <MachineDiagram
            key={graph.id}
            graph={graph}
            diagram={diagram}
            layout={layout.layout}
            at={at}
            label={label}
          />
        ) : (
          <div className="mv-diagram mv-diagram--pending" role="group" aria-label={label}>
            <p className="mv-muted" role="status">
              {layout.status === 'pending'
                ? 'Laying out the diagram…'
                : `The diagram could not be laid out: ${layout.error}`}
            </p>
          </div>
        )}
      </div>
      <aside className="mv-side" aria-label="Machine details">
        <section className="mv-context" aria-label="Context">
          <h3 className="mv-side__title">Context</h3>
          <dl className="mv-context__list">
            {at.fields.map((f) => (
              <div key={f.key} className="mv-context__row">
                <dt>{f.key}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        </section>
        <HistoryList
          entries={at.started ? past.entries : past.entries.slice(0, 1)}
          omitted={past.omitted}
          selected={selected}
          onSelect={onSelect}
        />
      </aside>
    </div>
  );
}

function StatusLine({
  instance,
  at,
}: {
  instance: MachineInstance;
  at: ReturnType<typeof activeAt>;
}) {
  const names = at.leaves.map((id) => stateName(instance.graph, id)).join(' · ');
  const step = at.step;
  return (
    <>
      <strong>{names}</strong>
      {at.done && ' (final)'}
      {step === null ? (
        ' — still in its initial state.'
      ) : (
        <>
          {' '}
          — since seq {step.seq}: {step.cause || 'time passed'}
          {step.from.length > 0 &&
            ` (from ${step.from.map((id) => stateName(instance.graph, id)).join(', ')})`}
        </>
      )}
    </>
  );
}
