/**
 * The recorded demo session the app opens when no `?capture=` is given. A glob rather than
 * a plain `?url` import, so the app still builds while the fixture does not exist: then
 * there is simply no demo and the app shows its empty state.
 */
const found = import.meta.glob<string>('/fixtures/legacy-participant-join.sscap.jsonl', {
  query: '?url',
  import: 'default',
  eager: true,
});

export const DEMO_CAPTURE_URL: string | undefined = Object.values(found)[0];

export const DEMO_DESCRIPTION =
  'a legacy mediasoup-demo participant joining a room with two other peers';

/** Shown as the file name (the bundled URL carries a content hash). */
export const DEMO_NAME = 'legacy-participant-join.sscap.jsonl';
