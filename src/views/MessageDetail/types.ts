import type { Finding } from '../../projections/findings.ts';
import type { InspectorViewProps } from '../shared/types.ts';

/** How the Data section shows the event: a JSON tree, or the exact text. */
export type DataTab = 'tree' | 'raw';

export interface MessageDetailProps extends InspectorViewProps {
  /**
   * Every finding of the session (`allFindings(analysis)`), computed once by the app; the view
   * shows those on the selected event and those that name it. Without it, no findings show.
   */
  readonly findings?: readonly Finding[];
  /** The Data tab shown first (it then stays as the user leaves it across selections). */
  readonly initialDataTab?: DataTab;
}
