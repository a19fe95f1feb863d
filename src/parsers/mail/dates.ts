/**
 * Dates as reporters write them -> ISO UTC, or null. RFC 2822 with comments, ISO 8601 with or
 * without zone (no zone = UTC, which is what machine reports mean), "YYYY-MM-DD HH:MM:SS +zone",
 * Unix epoch seconds. Years outside 1990..2100 are refused as misreadings.
 */
export function parseMailDate(input: string | null | undefined): string | null {
  if (!input) return null;
  let s = String(input).trim().replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (!s) return null;
  if (/^\d{9,10}(\.\d+)?$/.test(s)) return check(new Date(parseFloat(s) * 1000));
  // ISO-like: 2024-05-01 10:00:00[.123][ +0200|Z|UTC]
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (iso) {
    const [, y, mo, d, h, mi, se = '0', frac = '0', zone] = iso;
    let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se, Math.round(parseFloat('0.' + frac) * 1000));
    if (zone && /^[+-]/.test(zone)) {
      const z = zone.replace(':', '');
      const off = (parseInt(z.slice(1, 3), 10) * 60 + parseInt(z.slice(3, 5), 10)) * (z[0] === '-' ? -1 : 1);
      ms -= off * 60000;
    }
    return check(new Date(ms));
  }
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (dateOnly) return check(new Date(Date.UTC(+dateOnly[1], +dateOnly[2] - 1, +dateOnly[3])));
  // RFC 2822 zone names V8 does not know, and "+0100 CET"-style doubled zones.
  s = s.replace(/([+-]\d{4})\s+[A-Z]{2,5}$/, '$1').replace(/\b(CEST|CET|MESZ|MEZ)$/, (z) => (z === 'CEST' || z === 'MESZ' ? '+0200' : '+0100'));
  // Single-digit day/month formats like 12/03/2015 are ambiguous: refuse rather than guess.
  if (/^\d{1,2}\/\d{1,2}\/\d{2,4}/.test(s)) return null;
  const t = Date.parse(s);
  if (!Number.isNaN(t)) {
    // A date without any zone is read by V8 as local time; reports mean UTC.
    if (!/(Z|UTC|GMT|[+-]\d{2}:?\d{2}|\b[A-Z]{3,4})$/.test(s)) {
      const local = new Date(t);
      return check(new Date(Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds())));
    }
    return check(new Date(t));
  }
  return null;
}

function check(d: Date): string | null {
  const t = d.getTime();
  if (Number.isNaN(t)) return null;
  const y = d.getUTCFullYear();
  return y >= 1990 && y <= 2100 ? d.toISOString() : null;
}
