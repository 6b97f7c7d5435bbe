/**
 * Every kind of simulation step, with a title and a general explanation of what such a step
 * is (each step also carries its own, specific explanation). The Simulate tab shows `about`
 * under a step; a test checks that every step the built-in scenarios produce has an entry.
 */
export interface StepKindInfo {
  readonly title: string;
  readonly about: string;
}

const pn = (title: string, about: string): StepKindInfo => ({ title, about });

export const STEP_KINDS: Readonly<Record<string, StepKindInfo>> = {
  join: {
    title: 'A client arrives',
    about:
      'A page opens and connects to the signaling server: the start of its part in the session.',
  },
  'ws-open': {
    title: 'WebSocket opens',
    about:
      'A signaling socket opens (again): after a reconnect or a reload the server may see a new client.',
  },
  'ws-close': {
    title: 'WebSocket closes',
    about:
      'A signaling socket closes. Peer connections do not depend on it, but nothing more can be signaled until it is back.',
  },
  'ws-retry': {
    title: 'Reconnection attempt',
    about:
      "protoo-client's retry schedule: 1, 2, 4, 8, 8, … s between attempts, 11 per cycle; a cycle restarts after every disconnect.",
  },
  reload: {
    title: 'Page reload',
    about:
      'The page is thrown away with its sockets and peer connections; a new page with the same identity comes back.',
  },
  deliver: {
    title: 'A message arrives',
    about:
      'A signaling message reaches a client, which reacts to it (the reaction is in the same step).',
  },
  'server-relay': {
    title: 'The server relays',
    about:
      'A relaying server (mesh, two-party) forwards a message to its addressee without reading it.',
  },
  'server-room': {
    title: 'The server manages the room',
    about: 'The two-party server decides who creates, who joins, and who is turned away.',
  },
  'server-handle': {
    title: 'The server handles a request',
    about:
      'A protoo request reached the server, which answers it (or, with a fault, rejects it or never answers).',
  },
  'server-request': {
    title: 'A request from the server',
    about:
      'In mediasoup-demo the server also sends requests (newConsumer, newDataConsumer); the client must answer each.',
  },
  'server-restart': {
    title: 'Server restart',
    about: 'The server process goes away and comes back with no memory of its rooms.',
  },
  response: {
    title: 'A response arrives',
    about:
      "A protoo response reaches the client: the request's promise resolves (ok) or rejects (error), and the client goes on.",
  },
  notification: {
    title: 'A notification arrives',
    about: 'A protoo notification: one-way, no response, no id.',
  },
  'client-request': {
    title: 'The client asks',
    about: 'The client sends the next request of its sequence.',
  },
  'request-timeout': {
    title: 'A request times out',
    about:
      'No response came within protoo-client\'s timeout (22.5 s + 150 ms per pending request): the request rejects with "request timeout".',
  },
  'mesh-decide': {
    title: 'A mesh page decides',
    about:
      'The page reads its mesh-room model: of every pair, the smaller id offers; a newcomer prepares passive connections and waits.',
  },
  gather: {
    title: 'ICE candidate gathered',
    about: 'The ICE agent found an address; with trickle ICE it is sent at once through signaling.',
  },
  'ice-checking': {
    title: 'ICE checks start',
    about:
      'With both descriptions and remote candidates in place, the ICE agent sends connectivity checks.',
  },
  'ice-connected': {
    title: 'Connected',
    about: 'A candidate pair works: ICE connected, then DTLS: connectionState connected.',
  },
  'ice-failed': {
    title: 'ICE fails',
    about:
      'Connectivity checks go unanswered: disconnected, then failed. Only an ICE restart recovers.',
  },
  'local-media': {
    title: 'Camera ready',
    about: 'getUserMedia resolved: the page has its local tracks.',
  },
  call: {
    title: 'The initiator calls',
    about: 'The initiator creates its RTCPeerConnection and sends an offer.',
  },
  'data-channel': {
    title: 'Data channel',
    about: 'An RTCDataChannel opens over the connection: data flows peer to peer.',
  },
  'hang-up': { title: 'Hang up', about: 'A client ends the call and says bye.' },
  consume: {
    title: 'Consumer accepted',
    about:
      'The client consumed the remote producer and accepts newConsumer: the server resumes the consumer.',
  },
  produce: {
    title: 'Produce',
    about:
      'The client sends one of its tracks to the SFU: connect the send transport if needed, then produce.',
  },
  fault: {
    title: 'Fault',
    about:
      'An injected fault: a message lost, delayed, duplicated or reordered; a request rejected or left unanswered; a socket closed; ICE broken; a page reloaded.',
  },
  negotiationneeded: pn(
    'Negotiation needed',
    'The browser fires negotiationneeded: the page wants to (re)negotiate.',
  ),
  'pn-negotiationneeded': pn(
    'Negotiation needed',
    'The W3C example sets makingOffer = true and calls setLocalDescription() without argument.',
  ),
  'pn-sld.start': pn(
    'setLocalDescription()',
    'The page calls setLocalDescription(): an offer in stable, an answer in have-remote-offer.',
  ),
  'pn-sld.done': pn(
    'Local description set',
    'setLocalDescription() resolved: the signaling state moved.',
  ),
  'pn-sld.failed': pn('setLocalDescription() failed', 'The call was refused in the current state.'),
  'pn-send.description': pn(
    'Description sent',
    'The page sends the description it just set; makingOffer goes back to false.',
  ),
  'pn-description.received': pn(
    'Description received',
    'The example decides: offerCollision = offer && !readyForOffer; the impolite side ignores a colliding offer, the polite side takes it.',
  ),
  'pn-srd.start': pn(
    'setRemoteDescription()',
    'The page applies the description it decided to take (an offer in have-local-offer rolls back implicitly).',
  ),
  'pn-srd.done': pn(
    'Remote description set',
    'setRemoteDescription() resolved: for an offer the page answers next.',
  ),
  'pn-srd.failed': pn(
    'setRemoteDescription() failed',
    'The description did not fit the signaling state.',
  ),
  'pn-candidate.received': pn('Candidate received', 'A remote candidate arrives.'),
  'pn-candidate.added': pn('Candidate added', 'addIceCandidate succeeded.'),
  'pn-candidate.failed': pn(
    'Candidate failed',
    'addIceCandidate failed; the impolite side ignores such errors for an offer it ignored.',
  ),
  'pn-candidate': pn(
    'Candidate',
    'A remote candidate arrives and is added (or fails, for an ignored offer).',
  ),
  'pn-code': pn("The example's next line", 'The perfect-negotiation code takes its next step.'),
};
