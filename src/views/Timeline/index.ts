export { Timeline, type TimelineProps } from './Timeline.tsx';
export {
  SPEEDS,
  GAP_THRESHOLD_MS,
  buildAxis,
  binEvents,
  fractionOf,
  histogramPath,
  indexAtFraction,
  nextCursor,
  positionText,
  sliderKeyTarget,
  sliderValueText,
  type ReplayStep,
  type Speed,
  type TimeAxis,
} from './model.ts';
export {
  clusterMarkers,
  collectMarkers,
  type Lane,
  type Marker,
  type MarkerCluster,
  type MarkerKind,
} from './markers.ts';
