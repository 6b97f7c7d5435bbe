import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SessionAnalysis } from '../../projections/analysis.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import { SessionLog } from '../../session/SessionLog.ts';
import { SessionAnalysis as Analysis } from '../../projections/analysis.ts';
import { HOSTILE, emptySession, fixtureSession, hostileSession } from '../shared/sessions.ts';
import { MessageDetail } from './MessageDetail.tsx';
import type { MessageDetailProps } from './types.ts';
import { meshSession, otherEventsSession, pcSession } from './samples.ts';

afterEach(cleanup);

function show(
  analysis: SessionAnalysis,
  selected: number | null,
  extra: Partial<MessageDetailProps> = {},
) {
  const onSelect = vi.fn<(i: number) => void>();
  const user = userEvent.setup();
  const view = render(
    <MessageDetail
      analysis={analysis}
      cursor={analysis.length - 1}
      selected={selected}
      onSelect={onSelect}
      {...extra}
    />,
  );
  return { onSelect, user, view };
}

function region(name: string | RegExp): HTMLElement {
  return screen.getByRole('region', { name });
}

const legacy = fixtureSession('legacy-participant-join');

describe('MessageDetail: empty and out of range', () => {
  it('asks for a selection when nothing is selected', () => {
    show(emptySession(), null);
    expect(screen.getByText('Select a message in the sequence diagram or the list.')).toBeDefined();
  });

  it('says when the selected index is not in the session', () => {
    show(legacy, 5000);
    expect(screen.getByRole('alert').textContent).toMatch(
      /^Event 5000 is not in this session \(115 events\)/,
    );
  });
});

describe('MessageDetail: protoo messages', () => {
  it('heads a request with seq, time, connection, dialect, direction, method and id', () => {
    show(legacy, 8);
    const detail = region('Message seq 8');
    expect(within(detail).getByRole('heading', { level: 2 }).textContent).toBe('requestjoin');
    expect(within(detail).getByText('seq 8 · 80 ms')).toBeDefined();
    const facts = Object.fromEntries(
      within(detail)
        .getAllByRole('term')
        .map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]),
    );
    expect(facts).toMatchObject({
      Connection: 'c1 (protoo, legacy dialect)',
      Direction: 'client → server',
      Kind: 'request',
      Method: 'join',
      'protoo id': '5067731',
    });
    expect(within(detail).getByText(/^Enters the room with a display name/)).toBeDefined();
  });

  it('links a request to its response and a response to its request', async () => {
    const { onSelect, user } = show(legacy, 8);
    const answer = region('Answer');
    expect(answer.textContent).toBe('AnswerAnswered ok by the response, seq 9 after 13 ms.');
    await user.click(within(answer).getByRole('button', { name: 'the response, seq 9' }));
    expect(onSelect).toHaveBeenCalledWith(9);
    cleanup();
    const second = show(legacy, 9);
    await second.user.click(
      within(region('Request')).getByRole('button', { name: 'request join, seq 8' }),
    );
    expect(second.onSelect).toHaveBeenCalledWith(8);
  });

  it('tells the user when the answer comes after the cursor', () => {
    show(legacy, 8, { cursor: 8 });
    expect(region('Answer').textContent).toMatch(/At the cursor this answer has not come yet/);
  });

  it('shows an error response with code, reason and the catalog’s explanation', () => {
    const a = fixtureSession('rejection-500');
    show(a, 34);
    const error = region('Error');
    expect(within(error).getByText('500')).toBeDefined();
    expect(
      within(error).getByText('unknown request.method "setConsumerPreferedLayers"'),
    ).toBeDefined();
    expect(within(error).getByText(/legacy server does not know the request method/)).toBeDefined();
    cleanup();
    show(a, 9);
    expect(region('Answer').textContent).toMatch(
      /^AnswerAnswered with error 500 “Peer not yet joined” by the error response, seq 10/,
    );
  });

  it('says a timeout in words and lists the findings on the event', () => {
    const a = fixtureSession('request-timeout');
    show(a, 46, { findings: allFindings(a) });
    expect(region('Answer').textContent).toMatch(/No answer within 22\.5 s: the sender gave up at/);
    const findings = region(/^Findings/);
    expect(within(findings).getByText('request-timeout')).toBeDefined();
  });

  it('shows the findings of other events that name this one, with a link', async () => {
    const a = fixtureSession('request-timeout');
    const { user, onSelect } = show(a, 93, { findings: allFindings(a) });
    const findings = region(/^Findings/);
    expect(within(findings).getByText('late-response')).toBeDefined();
    expect(within(findings).getByText('request-timeout')).toBeDefined();
    await user.click(within(findings).getAllByRole('button', { name: 'seq 56' })[0] as HTMLElement);
    expect(onSelect).toHaveBeenCalledWith(56);
  });

  it('shows the catalog entry with its data and response fields', () => {
    show(legacy, 8);
    const catalog = region('Catalog');
    expect(within(catalog).getByRole('table', { name: 'Request data' })).toBeDefined();
    expect(within(catalog).getByRole('table', { name: 'Response data' })).toBeDefined();
    expect(within(catalog).getByRole('table', { name: 'Known error answers' })).toBeDefined();
  });

  it('tabulates rtpCapabilities of join and rtpParameters of produce', () => {
    show(legacy, 8);
    const caps = region('RTP capabilities');
    const codecs = within(caps).getByRole('table', { name: /^Codecs \(\d+\)$/ });
    expect(within(codecs).getAllByRole('row')[1]?.textContent).toMatch(
      /^audioaudio\/opus480002100/,
    );
    cleanup();
    show(legacy, 35);
    const params = region('RTP parameters');
    expect(within(params).getByRole('table', { name: /^Encodings/ })).toBeDefined();
    expect(within(params).getByText('RTCP cname')).toBeDefined();
  });

  it('masks the ICE password of a transport until revealed', async () => {
    const { user } = show(legacy, 5);
    const ice = region('ICE parameters');
    expect(within(ice).queryByText('9dgeymesw5v2ujct2lbxgr7xbx7743nb')).toBeNull();
    expect(within(ice).getByText('••••••••')).toBeDefined();
    await user.click(within(ice).getByRole('button', { name: 'Show password' }));
    expect(within(ice).getByText('9dgeymesw5v2ujct2lbxgr7xbx7743nb')).toBeDefined();
    expect(within(region('ICE candidates')).getAllByRole('row')).toHaveLength(3);
  });
});

describe('MessageDetail: sockets, notes and broken frames', () => {
  it('lists the query parameters of a socket open', () => {
    show(legacy, 0);
    const open = region('Socket open');
    const params = within(open).getByRole('table', { name: 'Query parameters (3)' });
    expect(
      within(params).getByRole('rowheader', { name: 'roomId' }).nextElementSibling?.textContent,
    ).toBe('bnzsceer');
  });

  it('masks secret query parameters', () => {
    const log = new SessionLog();
    log.append({ t: 0, type: 'ws.open', conn: 'c', url: 'wss://h/?roomId=r&token=abc123' });
    show(new Analysis(log).update(), 0);
    expect(screen.queryByText('abc123')).toBeNull();
    expect(screen.getByRole('button', { name: 'Show token' })).toBeDefined();
  });

  it('explains close codes 4000 and 1006', () => {
    show(fixtureSession('close-4000'), 47);
    const close = region('Socket close');
    expect(close.textContent).toMatch(/4000: closed by the protoo server/);
    expect(close.textContent).toMatch(/protoo-client does not reconnect after 4000/);
    cleanup();
    show(fixtureSession('broken-frames'), 36);
    expect(region('Socket close').textContent).toMatch(/1006: abnormal closure/);
  });

  it('gives an invalid frame its reason and its exact text', () => {
    const a = fixtureSession('broken-frames');
    show(a, 5);
    expect(region('Why it is broken').textContent).toMatch(/not JSON: Unexpected token/);
    const raw = screen.getByLabelText('Frame text');
    expect(raw.textContent).toBe(a.log.frameText(5));
    expect(screen.queryByRole('tree')).toBeNull();
  });
});

describe('MessageDetail: events that are not messages', () => {
  const other = otherEventsSession();

  it('sizes a binary frame and shows its base64', () => {
    show(other, 1);
    expect(region('Binary frame').textContent).toMatch(/^Binary frame4 bytes\./);
    expect(screen.getByLabelText('Binary frame (base64)').textContent).toBe('AAECAw==');
  });

  it('shows a note, an unknown event type and a socket error in words', () => {
    show(other, 2);
    expect(region('Note').textContent).toBe('Noteuser clicked share screen\nthen stopped it');
    cleanup();
    show(other, 3);
    expect(region('Unknown event type').textContent).toMatch(/“custom\.thing” is an event type/);
    expect(
      screen.getByRole('tree', { name: 'unknown event type custom.thing: extra' }),
    ).toBeDefined();
    cleanup();
    show(other, 4);
    expect(region('Socket error').textContent).toMatch(/^Socket errorconnection refused/);
  });
});

describe('MessageDetail: SDP', () => {
  it('shows an SDP as m-sections with codecs, ICE, DTLS and the password masked', async () => {
    const { user } = show(pcSession(), 3);
    const sdp = region('SDP offer (local)');
    expect(within(sdp).getByText('m=audio · mid 0 · sendrecv')).toBeDefined();
    const codecs = within(sdp).getByRole('table', { name: 'Codecs (3)' });
    expect(within(codecs).getAllByRole('row')[1]?.textContent).toBe(
      '111opus480002minptime=10;useinbandfec=1transport-cc',
    );
    expect(within(sdp).getAllByText('aB3x').length).toBeGreaterThan(0);
    expect(within(sdp).queryByText('Zq9w8e7r6t5y4u3i2o1p0lKj')).toBeNull();
    expect(within(sdp).getAllByText(/actpass: either role/).length).toBe(2);
    await user.click(
      within(sdp).getAllByRole('button', { name: 'Show ICE pwd' })[0] as HTMLElement,
    );
    expect(within(sdp).getAllByText('Zq9w8e7r6t5y4u3i2o1p0lKj').length).toBe(2);
  });

  it('diffs against the previous description of the same side, and against the answer', async () => {
    const { user, onSelect } = show(pcSession(), 8);
    const sdp = region('SDP offer (local)');
    await user.click(within(sdp).getByRole('tab', { name: 'Diff' }));
    expect(within(sdp).getByText(/lines in 3 of 4/)).toBeDefined();
    expect(within(sdp).getByLabelText('m=video mid 2: added: +30 −0')).toBeDefined();
    const audio = within(sdp).getByLabelText('m=audio mid 0: changed: +1 −1');
    expect(within(audio).getByText('a=sendonly').closest('.md-diff__line--add')).not.toBeNull();
    expect(within(audio).getByText('a=sendrecv').closest('.md-diff__line--del')).not.toBeNull();
    await user.click(
      within(sdp).getByRole('button', { name: /^local offer, setLocalDescription, seq 3$/ }),
    );
    expect(onSelect).toHaveBeenCalledWith(3);
    await user.click(
      within(sdp).getByRole('radio', { name: /the answer to this offer \(seq 9\)/ }),
    );
    expect(within(sdp).getByText(/^remote answer, setRemoteDescription, seq 9$/)).toBeDefined();
  });

  it('says when there is nothing to compare with', async () => {
    const { user } = show(pcSession(), 2);
    const sdp = region('SDP offer (local)');
    await user.click(within(sdp).getByRole('tab', { name: 'Diff' }));
    expect(
      within(sdp).getByText(/This is the first local description of peer connection pc-1/),
    ).toBeDefined();
  });

  it('shows the raw SDP with line numbers and the password masked', async () => {
    const { user } = show(pcSession(), 3);
    const sdp = region('SDP offer (local)');
    await user.click(within(sdp).getByRole('tab', { name: 'Raw SDP' }));
    const raw = within(sdp).getByLabelText('SDP text');
    expect(raw.textContent).toContain('a=ice-pwd:••••••••');
    expect(raw.textContent).not.toContain('Zq9w8e7r6t5y4u3i2o1p0lKj');
    await user.click(within(sdp).getByRole('button', { name: 'Show secrets' }));
    expect(raw.textContent).toContain('a=ice-pwd:Zq9w8e7r6t5y4u3i2o1p0lKj');
  });

  it('names what could not be parsed in a broken SDP, and keeps the raw text', async () => {
    const { user } = show(pcSession(), 10);
    expect(screen.getByRole('alert').textContent).toBe(
      'Could not read this SDP: not an SDP: line 1 is "this is not an SDP", but an SDP starts with v=0. The Raw SDP tab shows it as recorded.',
    );
    await user.click(screen.getByRole('tab', { name: 'Raw SDP' }));
    expect(screen.getByLabelText('SDP text').textContent).toContain('this is not an SDP');
  });

  it('reads the SDP of mesh signals and the candidate of a relayed one', () => {
    show(meshSession(), 4);
    const sdp = region('SDP answer (remote)');
    expect(within(sdp).getByText(/^signal from 2 · mesh-1, peer 2/)).toBeDefined();
    cleanup();
    show(meshSession(), 5);
    const table = screen.getByRole('table', { name: 'ICE candidate' });
    expect(within(table).getByText('srflx (server reflexive)')).toBeDefined();
  });
});

describe('MessageDetail: data tree and raw text', () => {
  it('walks the tree with the keyboard', async () => {
    const { user } = show(legacy, 9);
    const tree = screen.getByRole('tree', { name: 'response join: data' });
    const root = within(tree).getAllByRole('treeitem')[0] as HTMLElement;
    expect(root.getAttribute('aria-expanded')).toBe('true');
    root.focus();
    await user.keyboard('{ArrowDown}');
    const peers = within(tree).getByRole('treeitem', { name: 'peers: array, 2 items' });
    expect(document.activeElement).toBe(peers);
    expect(peers.getAttribute('aria-level')).toBe('2');
    expect(peers.getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{ArrowLeft}');
    expect(peers.getAttribute('aria-expanded')).toBe('false');
    expect(within(tree).queryByRole('treeitem', { name: /^0: / })).toBeNull();
    await user.keyboard('{ArrowRight}');
    expect(peers.getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{ArrowRight}');
    const first = within(tree).getByRole('treeitem', { name: '0: object, 3 members' });
    expect(document.activeElement).toBe(first);
    await user.keyboard('{ArrowLeft}');
    expect(document.activeElement).toBe(peers);
    expect(peers.getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{End}');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('1: object, 3 members');
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(root);
  });

  it('expands and collapses everything, and copies the focused path and value', async () => {
    const { user } = show(legacy, 9);
    const tree = screen.getByRole('tree');
    await user.click(screen.getByRole('button', { name: 'Expand all' }));
    expect(within(tree).getAllByRole('treeitem', { name: /^flag: / })).toHaveLength(2);
    await user.click(
      within(tree).getAllByRole('treeitem', { name: /^displayName: / })[1] as HTMLElement,
    );
    await user.click(screen.getByRole('button', { name: 'Copy path' }));
    expect(await navigator.clipboard.readText()).toBe('data.peers[1].displayName');
    expect(screen.getByRole('status').textContent).toBe(
      'Copied the path of data.peers[1].displayName.',
    );
    await user.click(screen.getByRole('button', { name: 'Copy value' }));
    expect(await navigator.clipboard.readText()).toBe('Linus');
    await user.click(screen.getByRole('button', { name: 'Collapse all' }));
    expect(within(tree).getAllByRole('treeitem')).toHaveLength(1);
  });

  it('cuts long strings with a "show all" and pages big arrays', async () => {
    const log = new SessionLog();
    const long = 'x'.repeat(1000);
    const items = Array.from({ length: 250 }, (_, k) => k);
    log.append({
      t: 0,
      type: 'ws.frame',
      conn: 'c',
      dir: 'in',
      text: JSON.stringify({ notification: true, method: 'big', data: { long, items } }),
    });
    const { user } = show(new Analysis(log).update(), 0);
    const tree = screen.getByRole('tree');
    const longItem = within(tree).getByRole('treeitem', { name: /^long: / });
    expect(longItem.textContent.length).toBeLessThan(300);
    await user.click(within(longItem).getByRole('button', { name: 'show all 1,000 characters' }));
    expect(longItem.textContent).toContain(long);
    expect(within(tree).getAllByRole('treeitem', { name: /^\d+: \d+$/ })).toHaveLength(100);
    await user.click(
      within(tree).getByRole('treeitem', { name: 'Show 100 more (100 of 250 shown)' }),
    );
    expect(within(tree).getAllByRole('treeitem', { name: /^\d+: \d+$/ })).toHaveLength(200);
  });

  it('masks secret fields in the tree until revealed', async () => {
    const { user } = show(legacy, 5);
    const tree = screen.getByRole('tree');
    const pwd = within(tree).getByRole('treeitem', { name: /^password: / });
    expect(pwd.textContent).toBe('password:\u00a0••••••••');
    expect(pwd.getAttribute('aria-label')).toBe('password: hidden');
    await user.click(within(region('Data')).getByRole('button', { name: 'Show secrets' }));
    expect(pwd.getAttribute('aria-label')).toBe('password: "9dgeymesw5v2ujct2lbxgr7xbx7743nb"');
  });

  it('shows the exact frame, pretty-printed or not, and keeps the tab across selections', async () => {
    const { user, view } = show(legacy, 9);
    await user.click(screen.getByRole('tab', { name: 'Raw' }));
    const raw = screen.getByLabelText('Frame text');
    expect(raw.textContent).toBe(
      JSON.stringify(JSON.parse(legacy.log.frameText(9) ?? ''), null, 2),
    );
    await user.click(screen.getByRole('checkbox', { name: 'Pretty-print' }));
    expect(screen.getByLabelText('Frame text').textContent).toBe(legacy.log.frameText(9));
    view.rerender(<MessageDetail analysis={legacy} cursor={10} selected={10} />);
    expect(screen.getByRole('tab', { name: 'Raw', selected: true })).toBeDefined();
  });
});

describe('MessageDetail: untrusted strings', () => {
  it('renders every hostile string of every event as text', async () => {
    const a = hostileSession();
    const user = userEvent.setup();
    for (let i = 0; i < a.length; i++) {
      const view = render(
        <MessageDetail analysis={a} cursor={i} selected={i} findings={allFindings(a)} />,
      );
      expect(view.container.querySelector('img, script')).toBeNull();
      for (const tab of screen.queryAllByRole('tab', { name: /^(Raw|Raw SDP|Diff)$/ })) {
        await user.click(tab);
        expect(view.container.querySelector('img, script')).toBeNull();
      }
      expect(view.container.textContent).toContain('<img src=x');
      cleanup();
    }
    expect(document.querySelector('img, script')).toBeNull();
  });

  it('shows a hostile method, reason and SDP line exactly', () => {
    const a = hostileSession();
    show(a, 2);
    expect(within(region('Error')).getByText(HOSTILE)).toBeDefined();
    cleanup();
    show(a, 6);
    expect(within(region(/^SDP offer/)).getByText(HOSTILE)).toBeDefined();
  });
});

describe('MessageDetail: a frame over 1 MiB', () => {
  const big = (secret: string) => {
    const log = new SessionLog();
    log.append({ t: 0, type: 'ws.open', conn: 'c1', url: 'wss://h/?roomId=r&peerId=p' });
    log.append({
      t: 1,
      type: 'ws.frame',
      conn: 'c1',
      dir: 'in',
      text: JSON.stringify({
        notification: true,
        method: 'activeSpeaker',
        data: { token: secret, blob: 'x'.repeat(1_200_000) },
      }),
    });
    return new Analysis(log).update();
  };

  it('is shown cut, as received, with its finding and a download of the whole (redacted) frame', async () => {
    const analysis = big('s3cr3t-token');
    const { user } = show(analysis, 1, { findings: allFindings(analysis) });
    expect(document.body.textContent).toMatch(/frame of 1\.1 MiB .*over the 1\.0 MiB/);
    await user.click(screen.getByRole('tab', { name: 'Raw' }));
    expect(screen.getByText('Over 1 MiB: shown exactly as received.')).toBeTruthy();
    expect(screen.queryByRole('checkbox', { name: /Pretty-print/ })).toBeNull();
    expect(document.body.textContent).toMatch(
      /Showing the first 200,000 of 1,200,\d{3} characters/,
    );
    const clicks: string[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      void blob.text().then((t) => clicks.push(t));
      return 'blob:x';
    });
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    await user.click(screen.getByRole('button', { name: 'Download it whole (secrets redacted)' }));
    await vi.waitFor(() => {
      expect(clicks).toHaveLength(1);
    });
    expect(clicks[0]?.length).toBeGreaterThan(1_200_000);
    expect(clicks[0]).not.toContain('s3cr3t-token');
    expect(clicks[0]).toContain('[redacted]');
    vi.unstubAllGlobals();
  });
});
