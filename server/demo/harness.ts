/**
 * For the demo server's tests: a server on a free port with a recorded log, and clean-up of
 * everything a test opened.
 */
import { startDemoServer, type DemoServer, type DemoServerOptions } from './server.ts';
import { DemoClient, type DemoClientOptions } from './testClient.ts';

export interface Harness {
  readonly server: DemoServer;
  readonly logs: string[];
  /** Resolves with the first log line (already written or to come) that contains `part`. */
  logLine(part: string): Promise<string>;
  client(options: Omit<DemoClientOptions, 'baseUrl'>): DemoClient;
  api(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startHarness(options: DemoServerOptions = {}): Promise<Harness> {
  const logs: string[] = [];
  let waiters: { part: string; resolve: (line: string) => void }[] = [];
  const server = await startDemoServer({
    port: 0,
    botIntervalMs: 0,
    seed: 'test',
    ...options,
    log: (line) => {
      logs.push(line);
      waiters = waiters.filter((w) => {
        if (!line.includes(w.part)) return true;
        w.resolve(line);
        return false;
      });
    },
  });
  const clients: DemoClient[] = [];
  return {
    server,
    logs,
    logLine(part) {
      const found = logs.find((l) => l.includes(part));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ part, resolve }));
    },
    client(o) {
      const c = new DemoClient({ baseUrl: server.url, ...o });
      clients.push(c);
      return c;
    },
    async api(path, init) {
      const res = await fetch(`http://127.0.0.1:${String(server.port)}${path}`, init);
      const type = res.headers.get('content-type') ?? '';
      const body: unknown = type.includes('json') ? await res.json() : await res.text();
      return { status: res.status, body };
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}
