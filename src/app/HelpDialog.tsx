import { useEffect, useRef } from 'react';

/** Every keyboard shortcut of the inspector, as the help dialog lists them. */
export const SHORTCUTS: readonly { readonly keys: readonly string[]; readonly what: string }[] = [
  { keys: ['?'], what: 'Show or hide this list' },
  { keys: ['/'], what: 'Search: focus the filter text' },
  { keys: ['↑', '↓'], what: 'Previous / next message (in the diagram or the list)' },
  { keys: ['Home', 'End'], what: 'First / last message' },
  { keys: ['Page Up', 'Page Down'], what: 'A page of messages up / down' },
  { keys: ['Enter'], what: 'Go to the paired request or response' },
  { keys: ['[', ']'], what: 'Move the cursor one event back / forward' },
  { keys: ['Space'], what: 'Play / pause the replay (on the timeline)' },
  { keys: ['L'], what: 'Follow the live end of the session' },
  { keys: ['1', '2'], what: 'Main area: sequence diagram / event list' },
  { keys: ['D', 'R', 'M', 'F'], what: 'Side panel: detail / room graph / machines / findings' },
  { keys: ['Esc'], what: 'Clear the selection; close this dialog' },
];

export interface HelpDialogProps {
  readonly open: boolean;
  readonly onClose: () => void;
}

/**
 * The keyboard shortcuts, in a modal `<dialog>` (focus trapped and restored by the browser;
 * Esc closes it).
 */
export function HelpDialog({ open, onClose }: HelpDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // jsdom has no showModal: fall back to the open attribute.
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    } else if (!open && dialog.open) {
      if (typeof dialog.close === 'function') dialog.close();
      else dialog.removeAttribute('open');
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="help-dialog"
      aria-labelledby="help-title"
      onClose={onClose}
      onCancel={onClose}
    >
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Shortcuts do nothing while you type in a text field.</p>
      <form method="dialog">
        <button type="submit" className="button" onClick={onClose}>
          Close
        </button>
      </form>
    </dialog>
  );
}
