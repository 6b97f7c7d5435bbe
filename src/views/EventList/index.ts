export { EventList, type EventListProps } from './EventList.tsx';
export { describeRow, filterRows, rowTone, EMPTY_FILTER, ALL_KINDS, KIND_GROUPS } from './rows.ts';
export { formatBytes, formatDuration, formatTime } from './format.ts';
export type { EventFilter, KindGroup, RowInfo, RowKind, RowTone } from './types.ts';
