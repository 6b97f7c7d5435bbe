import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../projections/findings.ts';
import { allFindings } from '../../projections/machineFindings.ts';
import {
  HOSTILE,
  emptySession,
  fixtureSession,
  generatedSession,
  hostileSession,
} from '../shared/sessions.ts';
import { Findings, NO_FINDINGS_TEXT } from './Findings.tsx';
import { SEVERITY_ICONS, codeDescription } from './model.ts';

afterEach(cleanup);

function setup(name: string, props: { cursor?: number; selected?: number | null } = {}) {
  const analysis = fixtureSession(name);
  const findings = allFindings(analysis);
  const onSelect = vi.fn();
  const view = render(
    <Findings
      analysis={analysis}
      findings={findings}
      cursor={props.cursor ?? analysis.length - 1}
      selected={props.selected ?? null}
      onSelect={onSelect}
    />,
  );
  return { analysis, findings, onSelect, view, user: userEvent.setup() };
}

const grid = () => screen.getByRole('grid', { name: 'Findings' });
/** The data rows (not the header), in order. */
const dataRows = () => within(grid()).getAllByRole('row').slice(1);

describe('Findings list', () => {
  it('says there is nothing to worry about when there are no findings', () => {
    const analysis = fixtureSession('two-party-room');
    render(<Findings analysis={analysis} findings={[]} cursor={0} selected={null} />);
    expect(screen.getByText(NO_FINDINGS_TEXT)).toBeDefined();
    expect(screen.queryByRole('grid')).toBeNull();
    render(<Findings analysis={emptySession()} findings={[]} cursor={-1} selected={null} />);
    expect(screen.getAllByText(NO_FINDINGS_TEXT)).toHaveLength(2);
  });

  it('shows severity as icon and word, code, seq, connection and message', () => {
    const { findings } = setup('rejection-500');
    const rows = dataRows();
    expect(rows).toHaveLength(findings.length);
    const first = findings[0];
    if (!first) throw new Error('no finding');
    const cells = within(rows[0] ?? document.body).getAllByRole('gridcell');
    expect(cells.slice(0, 4).map((c) => c.textContent)).toEqual([
      `${SEVERITY_ICONS[first.severity]} ${first.severity}`,
      first.code,
      String(first.seq),
      'c1',
    ]);
    expect(cells[4]?.textContent).toContain(first.message);
    expect(cells[1]?.getAttribute('title')).toBe(
      `${codeDescription(first.code) ?? '?'} (docs/findings.md#${first.code})`,
    );
    expect(
      within(grid())
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Severity', 'Code', 'Seq', 'Connection', 'Message']);
  });

  it('counts per severity in toggles that filter', async () => {
    const { user, findings } = setup('broken-frames');
    const errors = findings.filter((f) => f.severity === 'error').length;
    const errorToggle = screen.getByRole('button', { name: `${String(errors)} errors` });
    expect(errorToggle.getAttribute('aria-pressed')).toBe('true');
    await user.click(errorToggle);
    expect(errorToggle.getAttribute('aria-pressed')).toBe('false');
    expect(dataRows()).toHaveLength(findings.length - errors);
    expect(dataRows().every((r) => !r.textContent.includes('invalid-frame'))).toBe(true);
    expect(
      screen.getByText(`${String(findings.length - errors)} of ${String(findings.length)}`),
    ).toBeDefined();
  });

  it('filters by code, with the codes present and their counts', async () => {
    const { user, findings } = setup('broken-frames');
    const count = (code: string) => findings.filter((f) => f.code === code).length;
    const select = screen.getByRole('combobox', { name: 'Finding code' });
    const options = within(select)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options[0]).toBe(`All codes (${String(findings.length)})`);
    expect(options).toContain(`invalid-frame (${String(count('invalid-frame'))})`);
    expect(options).toContain('binary-frame (2)');
    expect(options).toHaveLength(new Set(findings.map((f) => f.code)).size + 1);
    await user.selectOptions(select, 'binary-frame');
    expect(dataRows()).toHaveLength(2);
    expect(dataRows().every((r) => r.textContent.includes('binary-frame'))).toBe(true);
  });

  it('filters by free text and offers to clear a filter that hides everything', async () => {
    const { user, findings } = setup('broken-frames');
    const box = screen.getByRole('searchbox', { name: 'Filter findings' });
    await user.type(box, 'orphan');
    expect(dataRows()).toHaveLength(1);
    await user.type(box, ' nothing');
    expect(screen.getByText('No finding matches the filter.')).toBeDefined();
    await user.click(screen.getByRole('button', { name: 'Clear the filter' }));
    expect(dataRows()).toHaveLength(findings.length);
    expect((box as HTMLInputElement).value).toBe('');
  });

  it('sorts by severity: errors, then warnings, then info', async () => {
    const { user } = setup('broken-frames');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort' }), 'severity');
    const severities = dataRows().map((r) => within(r).getAllByRole('gridcell')[0]?.textContent);
    const rank = (s: string | undefined) =>
      s?.endsWith('error') ? 0 : s?.endsWith('warning') ? 1 : 2;
    for (let k = 1; k < severities.length; k++) {
      expect(rank(severities[k])).toBeGreaterThanOrEqual(rank(severities[k - 1]));
    }
    expect(screen.getByRole('columnheader', { name: 'Severity' }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
  });
});

describe('Findings selection', () => {
  it('selects the event of a clicked finding, and explains it below', async () => {
    const { user, findings, onSelect } = setup('request-timeout');
    const row = dataRows()[0];
    if (!row) throw new Error('no row');
    await user.click(row);
    expect(onSelect).toHaveBeenCalledWith(findings[0]?.index);
    const about = screen.getByLabelText('About the finding');
    expect(
      within(about).getByText(/^A request got no answer within protoo's timeout/),
    ).toBeDefined();
  });

  it('moves with the arrow keys and selects with Enter', async () => {
    const { user, findings, onSelect } = setup('request-timeout');
    grid().focus();
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
    expect(onSelect).not.toHaveBeenCalled();
    const active = grid().getAttribute('aria-activedescendant');
    expect(active).toBe(dataRows()[2]?.id);
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledWith(findings[2]?.index);
    await user.keyboard('{End}{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith(findings[findings.length - 1]?.index);
  });

  it('keeps the same finding active when the order changes', async () => {
    const { user, findings } = setup('broken-frames');
    grid().focus();
    await user.keyboard('{End}');
    const last = findings[findings.length - 1];
    const about = screen.getByRole('region', { name: 'About the finding' });
    expect(within(about).getByText(last?.message ?? '?')).toBeDefined();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort' }), 'severity');
    expect(within(about).getByText(last?.message ?? '?')).toBeDefined();
    const active = document.getElementById(grid().getAttribute('aria-activedescendant') ?? '');
    expect(active?.textContent).toContain(last?.message);
  });

  it('goes to a related event from its link', async () => {
    const { user, findings, onSelect } = setup('request-timeout');
    const late = findings.find((f) => f.code === 'late-response');
    const related = late?.related?.[0];
    if (late === undefined || related === undefined) throw new Error('no late response');
    const row = dataRows().find((r) => r.textContent.includes('late-response'));
    await user.click(
      within(row ?? document.body).getByRole('button', { name: /^Go to related event seq / }),
    );
    expect(onSelect).toHaveBeenCalledTimes(1);
    expect(onSelect).toHaveBeenCalledWith(related);
  });

  it('marks the finding the cursor has reached and the selected event', () => {
    const { analysis } = setup('request-timeout', { cursor: 50, selected: 93 });
    const current = within(grid()).getAllByRole('row', { current: true });
    // seq 46 has no finding at the cursor (50); the last one at or before it is seq 46's.
    expect(current.map((r) => within(r).getAllByRole('gridcell')[2]?.textContent)).toEqual([
      `${String(analysis.log.seq(46))}◀`,
    ]);
    const selected = within(grid()).getAllByRole('row', { selected: true });
    expect(selected).toHaveLength(1);
    expect(selected[0]?.textContent).toContain('late-response');
  });
});

describe('Findings with many or hostile findings', () => {
  it('renders only the rows in view above 500 findings', () => {
    const analysis = generatedSession(3000);
    const many: Finding[] = [];
    for (let i = 0; i < analysis.length; i++) {
      many.push({
        code: 'validation-warning',
        severity: i % 3 === 0 ? 'error' : 'warning',
        seq: analysis.log.seq(i),
        index: i,
        conn: 'c1',
        message: `finding ${String(i)}`,
      });
    }
    render(<Findings analysis={analysis} findings={many} cursor={0} selected={null} />);
    expect(grid().getAttribute('aria-rowcount')).toBe(String(many.length + 1));
    expect(dataRows().length).toBeLessThan(60);
    expect(screen.getByText(`${many.length.toLocaleString('en')} findings`)).toBeDefined();
  });

  it('shows hostile strings as text and injects no element', () => {
    const analysis = hostileSession();
    const findings = allFindings(analysis);
    const { container } = render(
      <Findings analysis={analysis} findings={findings} cursor={8} selected={null} />,
    );
    expect(container.textContent).toContain(HOSTILE);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
  });
});
