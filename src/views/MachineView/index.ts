export { MachineView, type MachineViewComponentProps } from './MachineView.tsx';
export {
  MACHINE_KINDS,
  findInstance,
  instanceKey,
  listInstances,
  parseInstanceKey,
  trackInstance,
  type ContextField,
  type MachineInstance,
  type MachineInstanceRef,
  type MachineKindSpec,
  type TrackInstanceSpec,
} from './instances.ts';
export { activeAt, history, describeEvent, type ActiveAt, type HistoryEntry } from './active.ts';
export { machineDiagram, type MachineDiagram } from './diagram.ts';
export { layoutMachine, layoutDiagram, type MachineLayout } from './layout.ts';
