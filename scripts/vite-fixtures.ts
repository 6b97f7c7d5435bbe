import { readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

/** Only the committed example captures and their index; nothing else under fixtures/. */
const SERVED = /^(?:[a-z0-9-]+\.sscap\.jsonl|index\.json)$/;

function fixtureNames(dir: URL): string[] {
  return readdirSync(dir).filter((name) => SERVED.test(name));
}

/**
 * Serves the example captures of fixtures/ at `/examples/<name>` in `vite` dev and `vite preview`, and
 * copies them into the build, so `?capture=examples/<name>` works (a path of its own: Vite serves fixtures/ as modules) wherever the app runs.
 */
export function exampleCaptures(dir: URL): Plugin {
  const handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const name = decodeURIComponent((req.url ?? '').split('?')[0]?.replace(/^\//, '') ?? '');
    if (!SERVED.test(name) || !fixtureNames(dir).includes(name)) {
      next();
      return;
    }
    res.setHeader(
      'Content-Type',
      name.endsWith('.json') ? 'application/json' : 'application/x-ndjson',
    );
    res.end(readFileSync(new URL(name, dir)));
  };
  return {
    name: 'signalscope-example-captures',
    configureServer(server) {
      server.middlewares.use('/examples', handler);
    },
    configurePreviewServer(server) {
      server.middlewares.use('/examples', handler);
    },
    generateBundle() {
      for (const name of fixtureNames(dir)) {
        this.emitFile({
          type: 'asset',
          fileName: `examples/${name}`,
          source: readFileSync(new URL(name, dir)),
        });
      }
    },
  };
}
