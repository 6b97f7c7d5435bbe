/**
 * Every-byte damage to a capture, a HAR and a webrtc-internals dump (./files.ts): each cut
 * and each corrupted byte gives a clear refusal, a partial result whose problems name their
 * lines, or a correct result. Runs on every file of FILE_CASES at every position.
 */
import { describe, expect, it } from 'vitest';
import { FILE_CASES, damageFile } from './files.ts';

describe('fuzz: files cut and corrupted at every byte', () => {
  for (const c of FILE_CASES) {
    it(`${c.name}: every cut and every corrupted byte is refused clearly, partial with lines, or correct`, async () => {
      const report = await damageFile(c);
      expect(report.violations).toEqual([]);
      expect(report.positions).toBe(report.bytes);
      const cut = Object.values(report.outcomes.cut).reduce((a, b) => a + b, 0);
      expect(cut).toBe(report.bytes);
      // A cut always shows: refused or partial, except at line ends of a capture.
      if (c.format !== 'capture') expect(report.outcomes.cut.exact).toBeLessThanOrEqual(1);
      expect(report.outcomes.corrupt.refused + report.outcomes.corrupt.partial).toBeGreaterThan(0);
    }, 120_000);
  }
});
