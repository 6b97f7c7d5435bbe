/** Number formatting for the event list: times since session start and latencies. */

function trimFixed(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * A time in ms since the session started: `12.5 ms` under a second, then `1:02.345`
 * (minutes), then `1:02:03.456` (hours).
 *
 * @example
 * formatTime(12.5)   // '12.5 ms'
 * formatTime(62345)  // '1:02.345'
 */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${trimFixed(ms, 1)} ms`;
  const totalMs = Math.round(ms);
  const millis = totalMs % 1000;
  const totalSeconds = Math.floor(totalMs / 1000);
  const seconds = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}:${pad(seconds, 2)}.${pad(millis, 3)}`;
  const hours = Math.floor(totalMinutes / 60);
  return `${hours}:${pad(totalMinutes % 60, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}`;
}

/**
 * A duration: `12.5 ms`, `1.25 s`, `2 min 5.0 s`.
 *
 * @example
 * formatDuration(1250) // '1.25 s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${trimFixed(ms, 1)} ms`;
  if (ms < 60_000) return `${trimFixed(ms / 1000, 2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${((ms - minutes * 60_000) / 1000).toFixed(1)} s`;
}

/** A byte count for people: `512 B`, `1.5 KB`, `100 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trimFixed(bytes / 1024, 1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${trimFixed(bytes / (1024 * 1024), 1)} MB`;
  return `${trimFixed(bytes / (1024 * 1024 * 1024), 2)} GB`;
}
