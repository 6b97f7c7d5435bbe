export { Findings, NO_FINDINGS_TEXT, type FindingsProps } from './Findings.tsx';
export {
  DEFAULT_FILTER,
  SEVERITIES,
  SEVERITY_ICONS,
  codeCounts,
  codeDescription,
  cursorFindingIndex,
  eventOrder,
  filterFindings,
  isFiltering,
  severityCounts,
  type CodeCount,
  type FindingsFilter,
  type SortKey,
} from './model.ts';
