/** What the colours and line styles of the room graph mean. */
import type { Tone } from './types.ts';

const TONES: readonly { tone: Tone; text: string }[] = [
  { tone: 'ok', text: 'connected / flowing' },
  { tone: 'pending', text: 'connecting / offered' },
  { tone: 'warn', text: 'disconnected / low score' },
  { tone: 'bad', text: 'failed / left paused' },
  { tone: 'paused', text: 'paused' },
  { tone: 'off', text: 'closed / gone' },
];

export function Legend({ mesh }: { mesh: boolean }) {
  return (
    <ul className="rg-legend" aria-label="Legend">
      {TONES.map(({ tone, text }) => (
        <li key={tone}>
          <span className={`rg-legend__swatch rg-tone--${tone}`} aria-hidden="true" />
          {text}
        </li>
      ))}
      {mesh ? (
        <li>
          <span className="rg-legend__line rg-legend__line--arrow" aria-hidden="true" />
          peer connection, from the side that offers
        </li>
      ) : (
        <>
          <li>
            <span className="rg-legend__line rg-legend__line--arrow" aria-hidden="true" />
            consumes
          </li>
          <li>
            <span className="rg-legend__line rg-legend__line--thin" aria-hidden="true" />
            runs on / belongs to
          </li>
          <li>
            <span className="rg-legend__mark" aria-hidden="true">
              !
            </span>
            problem (hover or select)
          </li>
        </>
      )}
    </ul>
  );
}
