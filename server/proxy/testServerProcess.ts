/**
 * The test protoo-server as its own process (proxy.test.ts kills it with SIGKILL). Prints
 * `listening <port>` once it accepts connections.
 */
import { startProtooServer } from './testServers.ts';

const server = await startProtooServer(Number(process.argv[2] ?? 0));
process.stdout.write(`listening ${String(server.port)}\n`);
