/**
 * A big capture shows its first rows while the rest of the file is still being read, and a
 * file that turns out broken at its end is still refused with its line.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { FetchLike } from '../sources/captureFile.ts';
import { eventToLine, headerToLine, newHeader } from '../session/capture.ts';
import { App } from './App.tsx';

afterEach(cleanup);

const FIRST = 5000;
const TOTAL = 6000;

function lines(from: number, to: number): string {
  let s = '';
  for (let seq = from; seq < to; seq++) {
    const text = JSON.stringify({
      notification: true,
      method: 'activeSpeaker',
      data: { peerId: null },
    });
    s += `${eventToLine({ seq, t: seq, type: 'ws.frame', conn: 'c1', dir: 'in', text })}\n`;
  }
  return s;
}

/** A response whose body sends the first events, then waits for `release` to send the rest. */
function slowCapture(tail: string) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const open = eventToLine({
        seq: 0,
        t: 0,
        type: 'ws.open',
        conn: 'c1',
        url: 'wss://h/?roomId=r&peerId=p',
      });
      const header = headerToLine(newHeader({ kind: 'test' }));
      controller.enqueue(encoder.encode(`${header}\n${open}\n${lines(1, FIRST)}`));
      await released;
      controller.enqueue(encoder.encode(lines(FIRST, TOTAL) + tail));
      controller.close();
    },
  });
  const fetchImpl = vi.fn<FetchLike>(() => Promise.resolve(new Response(body)));
  return { fetchImpl, release };
}

const summary = () => document.querySelector('[aria-label="Session summary"]')?.textContent ?? '';

it('shows the first rows while the file is still being read, then all of it', async () => {
  const { fetchImpl, release } = slowCapture('');
  render(<App search="?capture=/big.sscap.jsonl" demoUrl={null} fetchImpl={fetchImpl} />);
  await screen.findByRole('grid', { name: 'Sequence diagram' }, { timeout: 5000 });
  expect(summary()).toMatch(/read so far; findings follow/);
  expect(summary()).not.toMatch(/6,000/);
  release();
  await vi.waitFor(
    () => {
      expect(summary()).toMatch(/events6,000/);
      expect(summary()).not.toMatch(/findings follow/);
      expect(summary()).not.toMatch(/read so far/);
    },
    { timeout: 10_000 },
  );
}, 15_000);

it('refuses a file whose end turns out broken, naming the line, after showing its start', async () => {
  const { fetchImpl, release } = slowCapture('{"seq": 6000, "t": \n');
  render(<App search="?capture=/big.sscap.jsonl" demoUrl={null} fetchImpl={fetchImpl} />);
  await screen.findByRole('grid', { name: 'Sequence diagram' }, { timeout: 5000 });
  release();
  const problem = await screen.findByText(/line 6,?002/, {}, { timeout: 10_000 });
  expect(problem.parentElement?.textContent).toMatch(/not JSON|truncated/);
  expect(screen.queryByRole('grid', { name: 'Sequence diagram' })).toBeNull();
});
