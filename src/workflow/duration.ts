/**
 * Deadlines in a policy: an ISO-8601 duration without years or months (their length depends on
 * the calendar, a deadline must not), e.g. `PT4H`, `P2D`, `P1W`, `P1DT12H`; or a number of hours.
 */
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds, or null when the text is not a duration this module accepts. */
export function durationMs(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 3_600_000) : null;
  const m = ISO.exec(value.trim());
  if (!m || value.trim() === 'P' || value.trim().endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return Math.round((((w * 7 + d) * 24 + h) * 60 + min) * 60_000 + s * 1000);
}

export function addDuration(at: Date, value: string | number): Date {
  const ms = durationMs(value);
  if (ms === null) throw new Error(`not a duration: ${value}`);
  return new Date(at.getTime() + ms);
}
