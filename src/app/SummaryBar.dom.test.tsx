import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionAnalysis } from '../projections/analysis.ts';
import { summarise } from '../projections/summary.ts';
import { SessionLog } from '../session/SessionLog.ts';
import { SummaryBar } from './SummaryBar.tsx';
import { fixtureSession } from '../views/shared/sessions.ts';

const summary = summarise(new SessionAnalysis(new SessionLog()).update());

afterEach(cleanup);

describe('SummaryBar', () => {
  it('says when the machine checks were skipped for a large session', () => {
    render(
      <SummaryBar
        summary={summary}
        findings={{ error: 1, warning: 0, info: 0 }}
        machineChecks={false}
      />,
    );
    expect(screen.getByLabelText('Session summary').textContent).toContain(
      'machine checks skipped for a session this large: run signalscope check',
    );
  });

  it('labels plain findings when the machine checks ran', () => {
    render(<SummaryBar summary={summary} findings={{ error: 0, warning: 2, info: 0 }} />);
    const text = screen.getByLabelText('Session summary').textContent;
    expect(text).toContain('findings0 errors · 2 warnings');
    expect(text).not.toContain('skipped');
  });
});

describe('SummaryBar for a mesh room', () => {
  it('counts mesh messages instead of protoo requests and notifications', () => {
    const summary = summarise(fixtureSession('mesh-room'));
    render(<SummaryBar summary={summary} findings={{ error: 0, warning: 0, info: 0 }} />);
    const bar = within(screen.getByLabelText('Session summary'));
    expect(bar.getByText('mesh messages')).toBeDefined();
    expect(bar.queryByText(/^requests/)).toBeNull();
  });
});
