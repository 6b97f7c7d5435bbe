import { memo, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

export type ExportFormat = 'svg' | 'png' | 'mermaid';

const ITEMS: readonly { readonly format: ExportFormat; readonly label: string }[] = [
  { format: 'svg', label: 'SVG' },
  { format: 'png', label: 'PNG' },
  { format: 'mermaid', label: 'Mermaid (copy)' },
];

export interface ExportMenuProps {
  readonly disabled?: boolean;
  /** `keepSecrets`: the "keep secrets" box was checked (exports are redacted otherwise). */
  readonly onPick: (format: ExportFormat, keepSecrets: boolean) => void;
}

/** A menu button: "Export" opens SVG / PNG / Mermaid (copy). Arrow keys move, Escape closes. */
export const ExportMenu = memo(function ExportMenu({ disabled = false, onPick }: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [keepSecrets, setKeepSecrets] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();

  useEffect(() => {
    if (open) itemRefs.current[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      const target = e.target;
      if (target instanceof Node && buttonRef.current?.parentElement?.contains(target)) return;
      setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => {
      document.removeEventListener('pointerdown', onDown);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const last = ITEMS.length - 1;
    switch (e.key) {
      case 'ArrowDown':
        setActive((a) => (a >= last ? 0 : a + 1));
        break;
      case 'ArrowUp':
        setActive((a) => (a <= 0 ? last : a - 1));
        break;
      case 'Home':
        setActive(0);
        break;
      case 'End':
        setActive(last);
        break;
      case 'Escape':
      case 'Tab':
        close();
        if (e.key === 'Tab') return;
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="seq-export">
      <button
        ref={buttonRef}
        type="button"
        className="seq-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={disabled}
        onClick={() => {
          setActive(0);
          setOpen((o) => !o);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setActive(e.key === 'ArrowDown' ? 0 : ITEMS.length - 1);
            setOpen(true);
          }
        }}
      >
        Export ▾
      </button>
      <label
        className="seq-export__keep"
        title="Exports redact tokens and passwords in URLs and ICE passwords in SDP unless this is checked"
      >
        <input
          type="checkbox"
          checked={keepSecrets}
          disabled={disabled}
          onChange={(e) => {
            setKeepSecrets(e.target.checked);
          }}
        />{' '}
        keep secrets
      </label>
      {open && (
        <div
          id={menuId}
          role="menu"
          aria-label="Export the diagram"
          className="seq-export__menu"
          onKeyDown={onMenuKey}
        >
          {ITEMS.map((item, k) => (
            <button
              key={item.format}
              ref={(el) => {
                itemRefs.current[k] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={k === active ? 0 : -1}
              className="seq-export__item"
              onClick={() => {
                close();
                onPick(item.format, keepSecrets);
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
});
