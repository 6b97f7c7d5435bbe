import { memo, useState } from 'react';

/** Children shown per object or array before a "… N more" line. */
const MAX_CHILDREN = 200;
/** Levels open at first; deeper levels open on click (and only then render). */
const OPEN_DEPTH = 2;

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function Primitive({ value }: { value: unknown }) {
  if (typeof value === 'string')
    return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  if (value === null) return <span className="json-null">null</span>;
  return <span className="json-null">{typeof value}</span>;
}

function Key({ name }: { name: string | undefined }) {
  if (name === undefined) return null;
  return (
    <>
      <span className="json-key">{name}</span>
      <span className="json-punct">: </span>
    </>
  );
}

interface NodeProps {
  readonly name: string | undefined;
  readonly value: unknown;
  readonly depth: number;
}

const JsonNode = memo(function JsonNode({ name, value, depth }: NodeProps) {
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  if (!isContainer(value)) {
    return (
      <li className="json-leaf">
        <Key name={name} />
        <Primitive value={value} />
      </li>
    );
  }
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray
    ? value.map((v, k) => [String(k), v])
    : Object.entries(value);
  const size = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <li className="json-branch">
      <details
        open={open}
        onToggle={(e) => {
          setOpen(e.currentTarget.open);
        }}
      >
        <summary>
          <Key name={name} />
          <span className="json-punct">{size}</span>
        </summary>
        {open && (
          <ul>
            {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
              <JsonNode key={k} name={k} value={v} depth={depth + 1} />
            ))}
            {entries.length > MAX_CHILDREN && (
              <li className="json-more">… {entries.length - MAX_CHILDREN} more</li>
            )}
          </ul>
        )}
      </details>
    </li>
  );
});

/**
 * A collapsible tree of a JSON value. Every key and value renders as text; children of a
 * closed branch are not rendered at all, so a huge or deeply nested message costs nothing
 * until it is opened.
 */
export function JsonTree({ value, label }: { value: unknown; label: string }) {
  return (
    <ul className="json-tree" aria-label={label}>
      <JsonNode name={undefined} value={value} depth={0} />
    </ul>
  );
}
