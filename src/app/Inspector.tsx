import {
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { createMachineDrivers, type MachineDrivers } from '../projections/machineStates.ts';
import { EventList } from '../views/EventList/index.ts';
import { HelpDialog } from './HelpDialog.tsx';
import { visibleIndexes, type MentionFilter } from './inspector/filter.ts';
import { useInspector, type MainView, type SidePanel } from './inspector/useInspector.ts';
import { InspectorFilterBar } from './InspectorFilterBar.tsx';
import {
  FindingsPanel,
  MachinePanel,
  MessagePanel,
  RoomPanel,
  SequencePanel,
  TimelinePanel,
} from './inspectorViews.tsx';
import type { OpenSession } from './useCaptureLoader.ts';
import { Splitter } from './Splitter.tsx';
import { Tabs } from './Tabs.tsx';
import './Inspector.css';

export interface InspectorProps {
  readonly session: OpenSession;
  /** The page's query string at open (default: `window.location.search`). */
  readonly search?: string;
  /** The session still grows (live source). */
  readonly live?: boolean;
  /** Where the view's link goes (default: the address bar). */
  readonly onUrlChange?: (search: string) => void;
  /** Opens or closes the help dialog from outside (the top bar's "?" button). */
  readonly helpOpen?: boolean;
  readonly onHelpOpenChange?: (open: boolean) => void;
}

const SPLIT_KEY = 'signalscope.split';

function readSplit(): number {
  try {
    const v = Number(window.localStorage.getItem(SPLIT_KEY));
    return Number.isFinite(v) && v >= 20 && v <= 85 ? v : 58;
  } catch {
    return 58;
  }
}

/** Whether a key press belongs to a text field (shortcuts stay out of its way). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

const MAIN_TABS = [
  { id: 'sequence', label: 'Sequence', title: 'Sequence diagram', shortcut: '1' },
  { id: 'list', label: 'Events', title: 'Every event as a table', shortcut: '2' },
] as const;

/**
 * The inspector: filter bar, timeline, the messages (sequence diagram or event list) and a
 * side panel (message detail, room graph, machines, findings), all at one cursor. The state
 * lives in the address, so a shared link reopens this view.
 */
export function Inspector({
  session,
  search,
  live = false,
  onUrlChange,
  helpOpen,
  onHelpOpenChange,
}: InspectorProps) {
  const { analysis } = session;
  const inspector = useInspector(analysis, {
    live,
    ...(search === undefined ? {} : { search }),
    ...(onUrlChange === undefined ? {} : { onUrlChange }),
  });
  const { state } = inspector;
  const length = analysis.length;
  const filter = useDeferredValue(state.filter);
  const visible = useMemo(
    () => visibleIndexes(analysis, filter),
    // A live session grows: the length is part of the key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis, length, filter],
  );

  // Machine drivers: built with the session when it is small, else on first need.
  const [lazyDrivers, setLazyDrivers] = useState<MachineDrivers | undefined>(undefined);
  const drivers = session.drivers ?? lazyDrivers;
  const needsDrivers = state.panel === 'room' || state.panel === 'machines';
  useEffect(() => {
    if (!needsDrivers || drivers !== undefined) return;
    const timer = setTimeout(() => {
      setLazyDrivers(createMachineDrivers(analysis));
    }, 0);
    return () => {
      clearTimeout(timer);
    };
  }, [needsDrivers, drivers, analysis]);
  useEffect(() => {
    drivers?.update();
  }, [drivers, length]);

  const [split, setSplit] = useState(readSplit);
  const onSplit = useCallback((v: number) => {
    setSplit(v);
    try {
      window.localStorage.setItem(SPLIT_KEY, String(v));
    } catch {
      // private mode: the size is not remembered
    }
  }, []);

  const [ownHelp, setOwnHelp] = useState(false);
  const help = helpOpen ?? ownHelp;
  const setHelp = useCallback(
    (open: boolean) => {
      setOwnHelp(open);
      onHelpOpenChange?.(open);
    },
    [onHelpOpenChange],
  );

  const [playing, setPlaying] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const { select, step, follow, setView, setPanel } = inspector;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const panels: Record<string, SidePanel> = {
        d: 'detail',
        r: 'room',
        m: 'machines',
        f: 'findings',
      };
      const views: Record<string, MainView> = { '1': 'sequence', '2': 'list' };
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === '?') setHelp(!help);
      else if (key === '/') searchRef.current?.focus();
      else if (key === '[') step(-1);
      else if (key === ']') step(1);
      else if (key === 'l') follow();
      else if (key === ' ' && !(e.target instanceof HTMLButtonElement)) setPlaying((p) => !p);
      else if (key === 'Escape' && !help) select(null);
      else if (views[key] !== undefined) setView(views[key]);
      else if (panels[key] !== undefined) setPanel(panels[key]);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [help, setHelp, select, step, follow, setView, setPanel]);

  const onFilterTo = useCallback(
    (mentions: MentionFilter) => {
      inspector.setFilter({ ...state.filter, mentions });
    },
    [inspector, state.filter],
  );

  const view = {
    analysis,
    cursor: state.cursor,
    selected: state.selected,
    onSelect: inspector.select,
    onCursorChange: inspector.setCursor,
  };
  // The side panel (detail, room, machines, findings) follows the cursor one render behind,
  // in React's deferred lane: a cursor step paints the diagram's selection and the timeline
  // first, then the panel, interruptibly — a held arrow key skips the steps in between
  // instead of queueing a detail render for each.
  const sideCursor = useDeferredValue(state.cursor);
  const sideSelected = useDeferredValue(state.selected);
  const sideView = useMemo(
    () => ({
      analysis,
      cursor: sideCursor,
      selected: sideSelected,
      onSelect: inspector.select,
      onCursorChange: inspector.setCursor,
    }),
    [analysis, sideCursor, sideSelected, inspector.select, inspector.setCursor],
  );
  const findingCount = session.findingList.length;
  const sideTabs = [
    { id: 'detail', label: 'Detail', title: 'The selected message', shortcut: 'D' },
    { id: 'room', label: 'Room', title: 'The room at the cursor', shortcut: 'R' },
    { id: 'machines', label: 'Machines', title: 'State machines at the cursor', shortcut: 'M' },
    {
      id: 'findings',
      label: `Findings${findingCount > 0 ? ` (${findingCount.toLocaleString('en')})` : ''}`,
      title: 'Every finding',
      shortcut: 'F',
    },
  ] as const;

  let side: ReactNode;
  switch (state.panel) {
    case 'detail':
      side = <MessagePanel {...sideView} findings={session.findingList} />;
      break;
    case 'room':
      side = drivers ? (
        <RoomPanel {...sideView} drivers={drivers} onFilterTo={onFilterTo} />
      ) : (
        <p className="panel-loading">Building the room model…</p>
      );
      break;
    case 'machines':
      side = drivers ? (
        <MachinePanel
          {...sideView}
          drivers={drivers}
          instance={state.machine}
          onInstanceChange={inspector.setMachine}
        />
      ) : (
        <p className="panel-loading">Building the state machines…</p>
      );
      break;
    case 'findings':
      side = <FindingsPanel {...sideView} findings={session.findingList} />;
      break;
  }

  return (
    <div className="inspector">
      <InspectorFilterBar
        analysis={analysis}
        filter={state.filter}
        onChange={inspector.setFilter}
        shown={visible.length}
        textRef={searchRef}
      />
      <TimelinePanel
        {...view}
        findings={session.findingList}
        live={live}
        following={state.following}
        onFollowChange={inspector.setFollowing}
        playing={playing}
        onPlayingChange={setPlaying}
      />
      <div
        className="inspector__panes"
        style={{ gridTemplateColumns: `minmax(0, ${split}fr) auto minmax(0, ${100 - split}fr)` }}
      >
        <section className="inspector__main" aria-label="Messages">
          <Tabs label="Messages as" tabs={MAIN_TABS} value={state.view} onChange={setView}>
            {state.view === 'sequence' ? (
              <SequencePanel
                {...view}
                visible={visible}
                exportName={session.capture.name.replace(/\.sscap\.jsonl$|\.jsonl$/, '')}
              />
            ) : (
              <EventList
                analysis={analysis}
                visible={visible}
                selected={state.selected}
                onSelectedChange={select}
              />
            )}
          </Tabs>
        </section>
        <Splitter value={split} onChange={onSplit} label="Resize the side panel" />
        <section className="inspector__side" aria-label="Details">
          <Tabs label="Side panel" tabs={sideTabs} value={state.panel} onChange={setPanel}>
            {side}
          </Tabs>
        </section>
      </div>
      <HelpDialog
        open={help}
        onClose={() => {
          setHelp(false);
        }}
      />
    </div>
  );
}
