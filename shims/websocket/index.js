'use strict';
// protoo-client does `require('websocket').w3cwebsocket` and calls it as a constructor.
// Resolving globalThis.WebSocket at call time lets msw (stories, demo mode) intercept the
// socket and lets Node 22 use its built-in WebSocket, instead of WebSocket-Node.
//
// Node 22's WebSocket (undici 6) fires `error` but never `close` when a connection fails
// before it opens (nodejs/undici#3546, fixed in undici 7). protoo-client retries only from
// `onclose`, so without a close it would stall for good after the first refused attempt.
// For such a socket the shim delivers the close a browser delivers: code 1006, not clean,
// shortly after the error; a real close that comes later is then dropped, so protoo-client
// sees exactly one.
var CLOSE_AFTER_ERROR_MS = 50;

// A live source records the sockets protoo-client opens for its URL: it registers a factory
// for that exact URL (src/sources/live/socketRecorder.ts) and the shim calls it instead of
// the WebSocket constructor, so every reconnection attempt is recorded too.
var FACTORIES = Symbol.for('signalscope.websocketFactories');

function factoryFor(url) {
  var map = globalThis[FACTORIES];
  return map instanceof Map ? map.get(String(url)) : undefined;
}

function closeEvent(code) {
  var event = new Event('close');
  Object.defineProperties(event, {
    code: { value: code, enumerable: true },
    reason: { value: '', enumerable: true },
    wasClean: { value: false, enumerable: true },
  });
  return event;
}

function w3cwebsocket(url, protocols) {
  var Impl = globalThis.WebSocket;
  if (typeof Impl !== 'function') {
    throw new Error('No global WebSocket: signalscope needs Node >= 22 or a browser');
  }
  var make = factoryFor(url);
  var socket = typeof make === 'function' ? make(url, protocols) : new Impl(url, protocols);
  var node = typeof process !== 'undefined' && process.versions && process.versions.node;
  if (!node || typeof socket.addEventListener !== 'function') return socket;
  var opened = false;
  var closed = false;
  socket.addEventListener('open', function () {
    opened = true;
  });
  // Registered before protoo-client's `onclose`: runs first and drops every close after the
  // first one (a real close that follows the shim's).
  socket.addEventListener(
    'close',
    function (event) {
      if (closed) event.stopImmediatePropagation();
      closed = true;
    },
    { capture: true },
  );
  socket.addEventListener('error', function () {
    if (opened) return;
    setTimeout(function () {
      if (!closed) socket.dispatchEvent(closeEvent(1006));
    }, CLOSE_AFTER_ERROR_MS);
  });
  return socket;
}
module.exports = { w3cwebsocket: w3cwebsocket };
