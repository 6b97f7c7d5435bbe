import type { PcEvent } from '../../session/events.ts';
import { TYPE_CODE, type SessionLog } from '../../session/SessionLog.ts';

/** One machine track per `pc` id, grown as the log grows. */
export interface PcTracks<TTrack> {
  /** One track per `pc` id, in order of first appearance. */
  tracks(): readonly TTrack[];
  track(pc: string): TTrack | undefined;
  /** Takes in `pc` events appended since the last call. */
  update(): void;
}

/**
 * Groups the `pc` events of a log by peer connection and keeps one track each: `makeTrack(pc,
 * indexes)` builds a track over `indexes` (the log indexes of that pc's events, which this
 * registry fills in), and its stepper is extended whenever new events arrive.
 *
 * @example
 * const registry = createPcTracks(log, (pc, indexes) => ({ pc, stepper: createStepper(…) }));
 * registry.track('pc1')?.stepper.final;
 */
export function createPcTracks<
  TTrack extends { readonly stepper: { extend(count: number): void } },
>(
  log: SessionLog,
  makeTrack: (pc: string, indexes: number[], first: PcEvent) => TTrack,
): PcTracks<TTrack> {
  const byPc = new Map<string, { track: TTrack; indexes: number[] }>();
  const list: TTrack[] = [];
  let scanned = 0;

  const update = (): void => {
    const touched = new Set<{ track: TTrack; indexes: number[] }>();
    for (let i = scanned; i < log.length; i++) {
      if (log.typeCode(i) !== TYPE_CODE.pc) continue;
      const event = log.get(i);
      if (event.type !== 'pc') continue;
      let entry = byPc.get(event.pc);
      if (!entry) {
        const indexes: number[] = [];
        entry = { track: makeTrack(event.pc, indexes, event), indexes };
        byPc.set(event.pc, entry);
        list.push(entry.track);
      }
      entry.indexes.push(i);
      touched.add(entry);
    }
    scanned = log.length;
    for (const entry of touched) entry.track.stepper.extend(entry.indexes.length);
  };

  update();
  return { tracks: () => list, track: (pc) => byPc.get(pc)?.track, update };
}
