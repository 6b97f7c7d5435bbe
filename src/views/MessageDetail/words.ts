/**
 * What the events that have no catalog entry mean: RTCPeerConnection trace events (the
 * webrtc-internals update-log names) and the mesh / two-party room frame types.
 */

const PC_EVENTS: Readonly<Record<string, string>> = {
  create: 'The RTCPeerConnection was created (its configuration is the value).',
  createOffer: 'The page asked for an offer (createOffer()).',
  createOfferOnSuccess:
    'createOffer() resolved with this offer; it is not applied until setLocalDescription.',
  createOfferOnFailure: 'createOffer() failed.',
  createAnswer: 'The page asked for an answer (createAnswer()).',
  createAnswerOnSuccess:
    'createAnswer() resolved with this answer; it is not applied until setLocalDescription.',
  createAnswerOnFailure: 'createAnswer() failed.',
  setLocalDescription: 'The page applies its own description (offer, answer or rollback).',
  setLocalDescriptionOnSuccess: 'setLocalDescription() succeeded.',
  setLocalDescriptionOnFailure: 'setLocalDescription() failed: the description was rejected.',
  setRemoteDescription: 'The page applies the description the other end sent.',
  setRemoteDescriptionOnSuccess: 'setRemoteDescription() succeeded.',
  setRemoteDescriptionOnFailure: 'setRemoteDescription() failed: the description was rejected.',
  addIceCandidate: 'The page adds a candidate the other end sent (trickle ICE).',
  addIceCandidateOnSuccess: 'addIceCandidate() succeeded.',
  addIceCandidateOnFailure: 'addIceCandidate() failed.',
  icecandidate:
    'The browser gathered a local candidate, to send to the other end (empty: gathering done).',
  icecandidateerror: 'Gathering a candidate failed (a STUN or TURN server did not answer).',
  signalingstatechange: 'The signaling state changed (W3C offer/answer state machine).',
  icegatheringstatechange: 'The ICE gathering state changed.',
  iceconnectionstatechange: 'The ICE connection state changed.',
  connectionstatechange: 'The peer connection state changed (ICE and DTLS together).',
  negotiationneeded: 'The browser says a new offer/answer exchange is needed.',
  datachannel: 'The other end opened a data channel.',
  track: 'A remote track arrived (ontrack).',
  addTrack: 'The page added a local track.',
  removeTrack: 'The page removed a local track.',
  addTransceiver: 'The page added a transceiver.',
  restartIce: 'The page asked for an ICE restart: the next offer carries new credentials.',
  setConfiguration: 'The page changed the configuration (ICE servers, policies).',
  close: 'The page closed the peer connection: every state becomes closed.',
};

/** What a pc trace event means, or undefined for a name webrtc-internals does not use. */
export function describePcEvent(event: string): string | undefined {
  return Object.hasOwn(PC_EVENTS, event) ? PC_EVENTS[event] : undefined;
}

const MESH: Readonly<Record<string, string>> = {
  welcome: 'The server gives the newcomer its id and the ids already online.',
  online: 'A peer came online; the one with the smaller id sends the offer.',
  offline: 'A peer’s WebSocket closed; its peer connections may live on.',
  signal: 'A description or candidate for one peer, relayed by the server (which stamps from).',
};

const TWO_PARTY: Readonly<Record<string, string>> = {
  'create or join': 'The client asks to enter a room: the first creates it, the second joins it.',
  created: 'The server says this client created the room (it will make the offer).',
  joined: 'The server says this client joined a room someone created.',
  full: 'The room already has two people: the client is turned away.',
  join: 'Someone else is joining this client’s room.',
  ready: 'Both are in the room: the creator may start the call.',
  message:
    'A message for the other party, relayed: got user media, an offer, answer, candidate, or bye.',
};

/** What a room frame type means in its protocol. */
export function describeRoomType(protocol: string | undefined, type: string): string | undefined {
  const table = protocol === 'two-party' ? TWO_PARTY : protocol === 'mesh' ? MESH : undefined;
  if (table) return Object.hasOwn(table, type) ? table[type] : undefined;
  if (Object.hasOwn(MESH, type)) return MESH[type];
  return Object.hasOwn(TWO_PARTY, type) ? TWO_PARTY[type] : undefined;
}
