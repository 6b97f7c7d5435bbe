'use strict';
// protoo-client does `require('websocket').w3cwebsocket` and calls it as a constructor.
// Resolving globalThis.WebSocket at call time lets msw (stories, demo mode) intercept the
// socket and lets Node 22 use its built-in WebSocket, instead of WebSocket-Node.
function w3cwebsocket(url, protocols) {
  const Impl = globalThis.WebSocket;
  if (typeof Impl !== 'function') {
    throw new Error('No global WebSocket: signalscope needs Node >= 22 or a browser');
  }
  return new Impl(url, protocols);
}
module.exports = { w3cwebsocket: w3cwebsocket };
