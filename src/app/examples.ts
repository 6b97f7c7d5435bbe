import index from '../../fixtures/index.json';

export interface ExampleCapture {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** A link that opens it: `?capture=examples/<file>` (served in dev, preview and the build). */
  readonly href: string;
}

/** The hand-built example captures of fixtures/, for the "Examples" links. */
export const EXAMPLES: readonly ExampleCapture[] = index.map((f) => ({
  name: f.name,
  title: f.title,
  description: f.description,
  href: `?capture=${encodeURIComponent(`examples/${f.file}`)}`,
}));
