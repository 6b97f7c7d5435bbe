export {
  SequenceDiagram,
  PNG_ROW_CAP,
  type ExportFile,
  type SequenceDiagramProps,
} from './SequenceDiagram.tsx';
export type { ExportFormat } from './ExportMenu.tsx';
export {
  buildSequenceModel,
  layoutRows,
  rowOfIndex,
  indexOfEntry,
  lanesOf,
  MIN_RUN,
  type Run,
  type RowLayout,
  type SequenceModel,
} from './model.ts';
export { buildLanes, type Lane, type LaneIndex, type LaneKind } from './lanes.ts';
export {
  describeEntry,
  describeAll,
  type SeqRow,
  type RowShape,
  type RowStyle,
} from './describe.ts';
export {
  toMermaid,
  toSvg,
  mermaidText,
  xmlEscape,
  EXPORT_ROW_CAP,
  type ExportOptions,
} from './export.ts';
export { toPng, pngScale, PngExportError } from './png.ts';
