export { RoomGraph, type RoomGraphFilter, type RoomGraphProps } from './RoomGraph.tsx';
export { RoomGraphCanvas, type RoomGraphCanvasProps } from './RoomGraphCanvas.tsx';
export { roomGraph, meshGraph, type MeshPage, type RoomGraphOptions } from './model.ts';
export { layoutGraph, type GraphLayout, type LayoutCache } from './layout.ts';
export type {
  RoomGraph as RoomGraphModel,
  RoomGraphEdge,
  RoomGraphNode,
  RoomNodeData,
  Tone,
} from './types.ts';
