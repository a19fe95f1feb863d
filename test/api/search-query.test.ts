import { expect, it } from 'vitest';
import { intToIpv4, parseCidr } from '../../src/domain/ip.js';
import { ipFilter, ipv4TextRanges, searchFilter, SearchError } from '../../src/services/search-query.js';

const inRanges = (ip: string, ranges: { from: string; to: string }[]) => ranges.some((r) => (r.from === r.to ? ip === r.from : ip >= r.from && ip < r.to));

it('turns an IPv4 CIDR into text ranges that hold exactly its addresses', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let t = 0; t < 150; t++) {
    const length = 8 + Math.floor(rnd() * 25);
    const size = 2 ** (32 - length);
    const first = Math.floor(Math.floor(rnd() * 2 ** 32) / size) * size;
    const ranges = ipv4TextRanges(first, length);
    expect(ranges.length).toBeLessThanOrEqual(128);
    for (let k = 0; k < 100; k++) {
      // Half the probes near the block (its edges and neighbours), half anywhere.
      const probe = k % 2 ? Math.floor(rnd() * 2 ** 32) : Math.max(0, Math.min(2 ** 32 - 1, first - 2 + Math.floor(rnd() * (size + 4))));
      const inside = probe >= first && probe < first + size;
      expect(inRanges(intToIpv4(probe), ranges), `${intToIpv4(probe)} in ${intToIpv4(first)}/${length}`).toBe(inside);
    }
  }
});

it('reads the search box by shape and refuses what it cannot search', () => {
  expect(searchFilter({ q: '#42' })).toEqual({ caseIds: [42] });
  expect(searchFilter({ q: 'Abuse@Reporter.Example' })).toEqual({ reporter: 'abuse@reporter.example' });
  expect(searchFilter({ q: 'Shop.Dupont.Example.' })).toEqual({ resource: 'shop.dupont.example', eventDomain: 'shop.dupont.example' });
  expect(searchFilter({ q: 'c-1001' })).toEqual({ customerId: 'c-1001' });
  expect(searchFilter({ q: '2001:DB8::1' })).toMatchObject({ eventIp: '2001:db8::1' });
  expect(searchFilter({ from: '2025-01-01', to: '2025-02-01T12:00:00+01:00' })).toEqual({ from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T11:00:00.000Z' });
  expect(ipFilter('192.0.2.0/24').resourceRanges).toEqual([{ from: '192.0.2.', to: '192.0.2/' }]);
  expect(parseCidr('192.0.2.0/24')).not.toBeNull();
  expect(() => ipFilter('10.0.0.0/7')).toThrow(SearchError);
  expect(() => ipFilter('2001:db8::/32')).toThrow(SearchError);
  expect(() => ipFilter('10.0.0.1/8')).toThrow(SearchError);
  expect(() => searchFilter({ from: 'yesterday' })).toThrow(SearchError);
});
