import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { NO_FILTER, type InspectorFilter } from './filter.ts';
import { parseInspectorUrl, writeInspectorUrl, type InspectorUrlState } from './urlState.ts';

export type MainView = 'sequence' | 'list';
export type SidePanel = 'detail' | 'room' | 'machines' | 'findings';

const MAIN_VIEWS: readonly MainView[] = ['sequence', 'list'];
const SIDE_PANELS: readonly SidePanel[] = ['detail', 'room', 'machines', 'findings'];

export interface InspectorState {
  /** The moment shown: state after the event at this log index (-1: before the first). */
  readonly cursor: number;
  readonly selected: number | null;
  /** Live mode: the cursor follows the end while the session grows. */
  readonly following: boolean;
  readonly filter: InspectorFilter;
  readonly view: MainView;
  readonly panel: SidePanel;
  /** The machine instance the machine view shows, `kind:id`. */
  readonly machine: string | null;
}

export type InspectorAction =
  | { readonly type: 'select'; readonly index: number | null }
  | { readonly type: 'cursor'; readonly index: number; readonly length: number }
  | { readonly type: 'step'; readonly by: number; readonly length: number }
  | { readonly type: 'follow'; readonly length: number }
  | { readonly type: 'unfollow' }
  | { readonly type: 'grown'; readonly length: number }
  | { readonly type: 'filter'; readonly filter: InspectorFilter }
  | { readonly type: 'view'; readonly view: MainView }
  | { readonly type: 'panel'; readonly panel: SidePanel }
  | { readonly type: 'machine'; readonly machine: string | null };

/**
 * The inspector's state transitions (pure). Selecting an event moves the cursor to it and
 * stops following; moving the cursor to the last event of a live session follows again.
 */
export function inspectorReducer(state: InspectorState, action: InspectorAction): InspectorState {
  switch (action.type) {
    case 'select':
      return action.index === null
        ? { ...state, selected: null }
        : { ...state, selected: action.index, cursor: action.index, following: false };
    case 'cursor': {
      const cursor = Math.max(-1, Math.min(action.length - 1, action.index));
      return { ...state, cursor, following: cursor === action.length - 1 && state.following };
    }
    case 'step': {
      const cursor = Math.max(-1, Math.min(action.length - 1, state.cursor + action.by));
      return { ...state, cursor, following: false };
    }
    case 'follow':
      return { ...state, following: true, cursor: action.length - 1 };
    case 'unfollow':
      return state.following ? { ...state, following: false } : state;
    case 'grown':
      return state.following ? { ...state, cursor: action.length - 1 } : state;
    case 'filter':
      return { ...state, filter: action.filter };
    case 'view':
      return { ...state, view: action.view };
    case 'panel':
      return { ...state, panel: action.panel };
    case 'machine':
      return { ...state, machine: action.machine };
  }
}

/** The state a link asks for, on this session (seqs resolved to log indexes). */
export function initialInspectorState(
  analysis: SessionAnalysis,
  url: InspectorUrlState,
  live: boolean,
): InspectorState {
  const log = analysis.log;
  // Only what is analysed so far (a big capture is analysed a slice at a time).
  const last = analysis.length - 1;
  const indexOf = (seq: number | null) => {
    if (seq === null) return null;
    const i = log.indexOfSeq(seq);
    return i >= 0 && i <= last ? i : null;
  };
  const selected = indexOf(url.selectedSeq);
  const cursor = indexOf(url.cursorSeq) ?? selected ?? last;
  return {
    cursor,
    selected,
    // A session still being analysed grows like a live one: the cursor follows its end.
    following:
      (live || analysis.length < log.length) && url.cursorSeq === null && selected === null,
    filter: url.filter,
    view: MAIN_VIEWS.find((v) => v === url.view) ?? 'sequence',
    panel: SIDE_PANELS.find((p) => p === url.panel) ?? 'detail',
    machine: url.machine,
  };
}

/** What a shared link carries of the state. */
export function urlStateOf(analysis: SessionAnalysis, s: InspectorState): InspectorUrlState {
  const log = analysis.log;
  const seqOf = (i: number | null) => (i === null || i < 0 || i >= log.length ? null : log.seq(i));
  return {
    cursorSeq: s.following ? null : seqOf(s.cursor),
    selectedSeq: seqOf(s.selected),
    filter: s.filter,
    view: s.view === 'sequence' ? null : s.view,
    panel: s.panel === 'detail' ? null : s.panel,
    machine: s.machine,
  };
}

export interface InspectorOptions {
  /** The page's query string at open (default: `window.location.search`). */
  readonly search?: string;
  /** The session still grows (live source). */
  readonly live?: boolean;
  /** Where the state's link goes (default: `history.replaceState`, debounced). */
  readonly onUrlChange?: (search: string) => void;
}

function replaceUrl(search: string): void {
  const url = `${window.location.pathname}${search}${window.location.hash}`;
  window.history.replaceState(window.history.state, '', url);
}

/**
 * The inspector's state for one session, initialised from the address and kept in it, so a
 * shared link reopens exactly that view.
 */
export function useInspector(analysis: SessionAnalysis, options: InspectorOptions = {}) {
  const { live = false } = options;
  const searchAtOpen = useRef(options.search ?? window.location.search);
  const [state, dispatch] = useReducer(inspectorReducer, undefined, () =>
    initialInspectorState(analysis, parseInspectorUrl(searchAtOpen.current), live),
  );
  const length = analysis.length;

  useEffect(() => {
    dispatch({ type: 'grown', length });
  }, [length]);

  const onUrlChange = options.onUrlChange ?? replaceUrl;
  const urlState = urlStateOf(analysis, state);
  const search = writeInspectorUrl(searchAtOpen.current, urlState);
  useEffect(() => {
    const timer = setTimeout(() => {
      onUrlChange(search);
    }, 150);
    return () => {
      clearTimeout(timer);
    };
  }, [search, onUrlChange]);

  const actions = useMemo(
    () => ({
      select: (index: number | null) => {
        dispatch({ type: 'select', index });
      },
      setCursor: (index: number) => {
        dispatch({ type: 'cursor', index, length: analysis.length });
      },
      step: (by: number) => {
        dispatch({ type: 'step', by, length: analysis.length });
      },
      follow: () => {
        dispatch({ type: 'follow', length: analysis.length });
      },
      setFollowing: (on: boolean) => {
        dispatch(on ? { type: 'follow', length: analysis.length } : { type: 'unfollow' });
      },
      setFilter: (filter: InspectorFilter) => {
        dispatch({ type: 'filter', filter });
      },
      clearFilter: () => {
        dispatch({ type: 'filter', filter: NO_FILTER });
      },
      setView: (view: MainView) => {
        dispatch({ type: 'view', view });
      },
      setPanel: (panel: SidePanel) => {
        dispatch({ type: 'panel', panel });
      },
      setMachine: (machine: string | null) => {
        dispatch({ type: 'machine', machine });
      },
    }),
    [analysis],
  );
  const link = useCallback(() => search, [search]);
  return { state, ...actions, link };
}

export type Inspector = ReturnType<typeof useInspector>;
