/**
 * `1234567` → `1,234,567`. One NumberFormat for every call: `Number.prototype.toLocaleString`
 * builds a new one each time, which cost seconds when a live flood relabelled 30,000 timeline
 * markers per render.
 */
const COUNT = new Intl.NumberFormat('en');

export function formatCount(n: number): string {
  return COUNT.format(n);
}
