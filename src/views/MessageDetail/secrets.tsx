/**
 * Secrets (ICE passwords, secret query parameters and fields) show masked until the user
 * reveals them; one switch for the whole detail view, so that revealing one reveals all and
 * hiding is one click.
 */
import { createContext, useContext } from 'react';
import { isSecretName } from '../../session/redact.ts';
import { MASK } from './sdp.ts';

export interface SecretsState {
  readonly reveal: boolean;
  readonly setReveal: (reveal: boolean) => void;
}

export const SecretsContext = createContext<SecretsState>({
  reveal: false,
  setReveal: () => undefined,
});

export function useSecrets(): SecretsState {
  return useContext(SecretsContext);
}

/** Whether a field or query parameter of this name holds a secret. */
export function isSecretField(name: string | number | undefined): boolean {
  return typeof name === 'string' && (isSecretName(name) || name === 'icePwd');
}

const ICE_PWD = /a=ice-pwd:[^\r\n]*/g;

/** Masks `a=ice-pwd:` values inside a longer text (an SDP in a JSON string). */
export function maskInText(text: string): string {
  return text.includes('a=ice-pwd:') ? text.replace(ICE_PWD, `a=ice-pwd:${MASK}`) : text;
}

/** A secret value: masked, with a button that reveals (or hides) every secret of the view. */
export function Secret({ text, label }: { text: string; label: string }) {
  const { reveal, setReveal } = useSecrets();
  return (
    <span className="md-secret">
      <span className="md-secret__value">{reveal ? text : MASK}</span>
      {!reveal && <span className="visually-hidden"> ({label} hidden)</span>}
      <button
        type="button"
        className="md-link md-secret__toggle"
        aria-pressed={reveal}
        aria-label={reveal ? 'Hide secrets' : `Show ${label}`}
        onClick={() => {
          setReveal(!reveal);
        }}
      >
        {reveal ? 'hide' : 'show'}
      </button>
    </span>
  );
}

/** The switch for every secret of the view, for toolbars. */
export function SecretToggle() {
  const { reveal, setReveal } = useSecrets();
  return (
    <button
      type="button"
      className="md-button"
      aria-pressed={reveal}
      onClick={() => {
        setReveal(!reveal);
      }}
    >
      {reveal ? 'Hide secrets' : 'Show secrets'}
    </button>
  );
}
