import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCategory } from '../../domain/categories.js';
import { parseStructured } from './index.js';
import { categoryOfType, typeFromFilename } from './shadowserver.types.js';

/** Shadowserver's own list of report types and their columns, read in place. */
const reports = JSON.parse(readFileSync(resolve(process.cwd(), '../shared/corpus/schemas/shadowserver/reports.json'), 'utf8')) as Record<string, { fields: string[] }>;

/** One plausible row for a report's columns, so every type can be parsed from its header alone. */
function sampleRow(fields: string[]): string {
  return fields
    .map((f) => {
      if (f === 'timestamp') return '2024-01-02 03:04:05';
      if (/(^|_)ip$/.test(f)) return '192.0.2.10';
      if (/port$/.test(f)) return '443';
      if (f === 'url' || f === 'http_url' || f === 'website') return 'http://bad.example/x';
      if (f === 'email') return 'victim@mail.example';
      if (/hostname$|^host$|^http_host$/.test(f)) return 'h.example.net';
      if (f === 'tag') return 'x';
      return '';
    })
    .join(',');
}

describe('Shadowserver report types (reports.json)', () => {
  const types = Object.keys(reports);

  it('maps every report type to a category id', () => {
    expect(types.length).toBeGreaterThan(150);
    const unmapped = types.filter((t) => !isCategory(categoryOfType(t)));
    expect(unmapped).toEqual([]);
    // The informational scans are never treated as an attack; the infections never as a mere scan.
    expect(categoryOfType('scan_ntp')).toBe('vulnerable-service');
    expect(categoryOfType('event4_sinkhole_http')).toBe('compromised-host');
    expect(categoryOfType('event4_ddos_participant')).toBe('dos');
    expect(categoryOfType('blocklist')).toBe('blacklisting');
  });

  it('recognizes each type by file name, and its category by columns alone', async () => {
    const byName: string[] = [];
    const byContent: string[] = [];
    for (const t of types) {
      const csv = `${reports[t].fields.join(',')}\n${sampleRow(reports[t].fields)}\n`;
      if (typeFromFilename(`2024-01-02-${t}-example_org-asn.csv`) !== t) byName.push(t);
      const named = await parseStructured(new TextEncoder().encode(csv), { filename: `2024-01-02-${t}-example_org-asn.csv` });
      if (named?.events[0] && named.events[0].category !== categoryOfType(t)) byName.push(`${t}: ${named.events[0].category}`);
      const anonymous = await parseStructured(new TextEncoder().encode(csv), { filename: 'report.csv' });
      const e = anonymous?.events[0];
      if (e && e.category !== categoryOfType(t)) byContent.push(`${t}: ${e.category}`);
      if (!e && reports[t].fields.some((f) => /(^|_)ip$|^url$|^email$/.test(f))) byContent.push(`${t}: no event`);
    }
    expect(byName).toEqual([]);
    // Columns alone identify the family; the only type they cannot tell from a sinkhole report is
    // the honeypot ICS scanner, whose columns are the generic event columns.
    expect(byContent.length, byContent.join('; ')).toBeLessThanOrEqual(2);
  });
});
