import type { CaptureFormatError } from '../session/capture.ts';
import type { LoadedCapture } from '../sources/captureFile.ts';

/** The part of a CaptureFormatError's message after "line N, field F: ". */
function detailOf(error: CaptureFormatError): string {
  const prefix = `line ${error.line}${error.field === undefined ? '' : `, field ${error.field}`}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

export function BrokenCapturePanel({
  capture,
  onOpenPartial,
}: {
  capture: LoadedCapture;
  onOpenPartial: () => void;
}) {
  const readable = capture.log.length;
  const more = capture.problems - capture.errors.length;
  const problems =
    capture.problems === 1 ? '1 problem' : `${capture.problems.toLocaleString('en')} problems`;
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-panel-title">
      <h2 id="error-panel-title">
        {capture.name} has {problems}
      </h2>
      <p>
        The capture was not opened, because some of its lines could not be read. Each problem names
        its line and field:
      </p>
      <ol className="error-panel__list">
        {capture.errors.map((e, k) => (
          <li key={k}>
            <span className="error-panel__where">
              line {e.line}
              {e.field !== undefined && (
                <>
                  , field <code>{e.field}</code>
                </>
              )}
            </span>
            : {detailOf(e)}
          </li>
        ))}
        {more > 0 && <li className="error-panel__more">… and {more.toLocaleString('en')} more</li>}
      </ol>
      {readable > 0 ? (
        <div className="error-panel__actions">
          <button type="button" className="button button--primary" onClick={onOpenPartial}>
            Open the {readable.toLocaleString('en')} {readable === 1 ? 'event' : 'events'} that
            could be read
          </button>
          <span className="muted">The view will be labelled partial.</span>
        </div>
      ) : (
        <p className="muted">No event could be read from this file.</p>
      )}
    </section>
  );
}

export function LoadFailurePanel({ title, message }: { title: string; message: string }) {
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-panel-title">
      <h2 id="error-panel-title">{title}</h2>
      <p>{message}</p>
      <p className="muted">Open another file with Open capture…, or drop one on this window.</p>
    </section>
  );
}
