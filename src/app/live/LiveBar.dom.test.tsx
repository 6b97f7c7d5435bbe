import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveStatus, RequestOutcome } from '../../sources/live/liveSource.ts';
import { explainHandshakeFailure, explainReconnecting } from '../../sources/live/explain.ts';
import { ConnectForm, LiveBar, parseComposerData } from './LiveBar.tsx';

afterEach(cleanup);

function bar(status: LiveStatus, onSend = vi.fn<() => Promise<RequestOutcome>>()) {
  const props = {
    url: 'wss://h:4443/?roomId=r&peerId=me',
    mode: 'observer' as const,
    status,
    onModeChange: vi.fn(),
    onRecord: vi.fn(),
    onDisconnect: vi.fn(),
    onReconnect: vi.fn(),
    onSend,
    events: 1234,
  };
  render(<LiveBar {...props} />);
  return props;
}

describe('LiveBar', () => {
  it('says what the connection does and offers record and disconnect', async () => {
    const p = bar({
      phase: 'open',
      opens: 1,
      role: 'observer: joined (legacy dialect), 2 other peers',
    });
    expect(screen.getByRole('status').textContent).toBe(
      'Live · observer: joined (legacy dialect), 2 other peers',
    );
    expect(screen.getByText('1,234 events')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: /^Record/ }));
    expect(p.onRecord).toHaveBeenCalledWith({ keepSecrets: false });
    await userEvent.click(screen.getByRole('checkbox', { name: 'keep secrets' }));
    await userEvent.click(screen.getByRole('button', { name: /^Record/ }));
    expect(p.onRecord).toHaveBeenLastCalledWith({ keepSecrets: true });
    await userEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    expect(p.onDisconnect).toHaveBeenCalledOnce();
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Mode' }), 'participant');
    expect(p.onModeChange).toHaveBeenCalledWith('participant');
  });

  it('explains reconnection with the certificate link, and offers Reconnect once it gave up', () => {
    const cause = explainHandshakeFailure('wss://h:4443/?roomId=r&peerId=me', 'unreachable');
    bar({
      phase: 'reconnecting',
      attempt: 3,
      nextInMs: 4000,
      explanation: explainReconnecting(3, cause),
    });
    expect(screen.getByRole('status').textContent).toBe(
      'Reconnecting: attempt 3 of 11 failed, next in 4 s',
    );
    const link = screen.getByRole('link', {
      name: 'Open https://h:4443/ to accept its certificate',
    });
    expect(link.getAttribute('href')).toBe('https://h:4443/');
  });

  it('never renders a link that is not http(s)', () => {
    bar({
      phase: 'failed',
      explanation: {
        title: 'x',
        detail: 'y',
        link: { href: 'javascript:alert(1)', label: 'click' },
      },
    });
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeTruthy();
  });

  it('sends a request from the composer and shows the answer as text', async () => {
    let resolve: (o: RequestOutcome) => void = () => undefined;
    const onSend = vi.fn(
      () =>
        new Promise<RequestOutcome>((r) => {
          resolve = r;
        }),
    );
    bar({ phase: 'open', opens: 1, role: 'raw' }, onSend);
    await userEvent.click(screen.getByRole('button', { name: 'Send a request…' }));
    const form = screen.getByRole('form', { name: 'Request composer' });
    await userEvent.type(
      within(form).getByRole('combobox', { name: 'Method' }),
      'getProducerStats',
    );
    const data = within(form).getByRole('textbox', { name: 'Data (JSON)' });
    await userEvent.clear(data);
    await userEvent.type(data, '{{"producerId": 1');
    await userEvent.click(within(form).getByRole('button', { name: 'Send' }));
    expect(within(form).getByRole('alert').textContent).toMatch(/^data is not JSON/);
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.type(data, '}');
    await userEvent.click(within(form).getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('request', 'getProducerStats', { producerId: 1 });
    expect(within(form).getByText('waiting…')).toBeTruthy();
    resolve({ ok: false, code: 500, error: '<img src=x onerror=alert(1)>' });
    const answer = await within(form).findByText(/500 <img/);
    expect(answer.textContent).toBe('500 <img src=x onerror=alert(1)>');
    expect(form.querySelector('img')).toBeNull();
  });

  it('offers the catalog methods as completions', async () => {
    bar({ phase: 'open', opens: 1, role: 'raw' });
    await userEvent.click(screen.getByRole('button', { name: 'Send a request…' }));
    const options = [...document.querySelectorAll('datalist option')].map((o) =>
      o.getAttribute('value'),
    );
    expect(options).toContain('getRouterRtpCapabilities');
    expect(options).toContain('changeDisplayName');
    expect(options).not.toContain('newConsumer'); // server → client only
  });
});

describe('parseComposerData', () => {
  it('takes an empty text as {} and refuses scalars', () => {
    expect(parseComposerData('  ')).toEqual({ data: {} });
    expect(parseComposerData('3')).toEqual({
      error: 'data must be a JSON object (or an array), like {"producerId": "…"}',
    });
  });
});

describe('ConnectForm', () => {
  it('refuses a URL that is not ws(s) and connects with the chosen mode', async () => {
    const onConnect = vi.fn();
    render(<ConnectForm onConnect={onConnect} />);
    const input = screen.getByRole('textbox', { name: 'Room URL' });
    await userEvent.type(input, 'https://h/');
    await userEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(screen.getByRole('alert').textContent).toBe(
      'the URL must start with wss:// or ws://, not https://',
    );
    await userEvent.clear(input);
    await userEvent.type(input, 'wss://h:4443/?roomId=r');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Mode' }), 'raw');
    await userEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(onConnect).toHaveBeenCalledWith('wss://h:4443/?roomId=r', 'raw');
  });
});
