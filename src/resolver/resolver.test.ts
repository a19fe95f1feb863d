import { describe, expect, it } from 'vitest';
import { InvalidSnapshotError, Resolver, type InventorySnapshot } from './resolver.js';

const T = (iso: string) => Date.parse(iso);
const NOW = T('2025-06-01T12:00:00Z');

function snapshot(): InventorySnapshot {
  return {
    services: [
      { id: 's-dupont', customerId: 'c-dupont' },
      { id: 's-martin', customerId: 'c-martin' },
      { id: 's-bernard', customerId: 'c-bernard' },
      { id: 's-petit', customerId: 'c-petit' },
      { id: 's-v6', customerId: 'c-v6' },
      { id: 's-v6-inner', customerId: 'c-v6-inner' },
    ],
    ipAssignments: [
      { cidr: '198.51.100.0/24', serviceId: 's-dupont', from: '2024-01-01T00:00:00Z', to: null },
      { cidr: '198.51.100.64/26', serviceId: 's-martin', from: '2024-01-01T00:00:00Z', to: null },
      { cidr: '198.51.100.77/32', serviceId: 's-bernard', from: '2024-01-01T00:00:00Z', to: null },
      // 203.0.113.0/28 moved from Petit to Martin on 2025-03-01.
      { cidr: '203.0.113.0/28', serviceId: 's-petit', from: '2024-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' },
      { cidr: '203.0.113.0/28', serviceId: 's-martin', from: '2025-03-01T00:00:00Z', to: null },
      // A /30 inside it only for a while: before and after, the /28 holder answers.
      { cidr: '203.0.113.4/30', serviceId: 's-bernard', from: '2025-04-01T00:00:00Z', to: '2025-05-01T00:00:00Z' },
      { cidr: '2001:db8::/32', serviceId: 's-v6', from: '2024-01-01T00:00:00Z', to: null },
      { cidr: '2001:db8:1:2::/64', serviceId: 's-v6-inner', from: '2024-01-01T00:00:00Z', to: null },
      { cidr: '0.0.0.0/0', serviceId: 's-petit', from: '2030-01-01T00:00:00Z', to: null },
    ],
    domains: [
      { name: 'dupont.example', serviceId: 's-dupont', from: '2024-01-01T00:00:00Z', to: null },
      { name: 'shop.martin.example', serviceId: 's-martin', from: '2024-01-01T00:00:00Z', to: null },
      { name: 'Martin.Example.', serviceId: 's-bernard', from: '2024-01-01T00:00:00Z', to: null },
      { name: 'old.example', serviceId: 's-petit', from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
      { name: 'bücher.example', serviceId: 's-petit', from: '2024-01-01T00:00:00Z', to: null },
    ],
  };
}

const r = Resolver.build(snapshot());
const who = (m: { customerId: string } | null) => m?.customerId ?? null;

describe('IP resolution', () => {
  it('takes the longest prefix', () => {
    expect(r.resolveIp('198.51.100.10', NOW)).toEqual({ customerId: 'c-dupont', serviceId: 's-dupont', via: 'ip', matched: '198.51.100.0/24' });
    expect(r.resolveIp('198.51.100.64', NOW)?.matched).toBe('198.51.100.64/26');
    expect(r.resolveIp('198.51.100.127', NOW)?.matched).toBe('198.51.100.64/26');
    expect(r.resolveIp('198.51.100.128', NOW)?.matched).toBe('198.51.100.0/24');
    expect(r.resolveIp('198.51.100.77', NOW)?.matched).toBe('198.51.100.77/32');
    expect(r.resolveIp('198.51.100.78', NOW)?.matched).toBe('198.51.100.64/26');
    expect(r.resolveIp('198.51.100.255', NOW)?.matched).toBe('198.51.100.0/24');
    expect(r.resolveIp('198.51.101.0', NOW)).toBeNull();
    expect(r.resolveIp('198.51.99.255', NOW)).toBeNull();
  });

  it('answers with whoever held the address at the moment', () => {
    expect(who(r.resolveIp('203.0.113.5', T('2025-02-28T23:59:59.999Z')))).toBe('c-petit');
    expect(who(r.resolveIp('203.0.113.5', T('2025-03-01T00:00:00Z')))).toBe('c-martin');
    expect(who(r.resolveIp('203.0.113.5', T('2025-04-15T00:00:00Z')))).toBe('c-bernard');
    expect(who(r.resolveIp('203.0.113.5', T('2025-05-01T00:00:00Z')))).toBe('c-martin');
    expect(r.resolveIp('203.0.113.5', T('2023-12-31T23:59:59Z'))).toBeNull();
    expect(r.resolveIp('203.0.113.5', NaN)).toBeNull();
  });

  it('keeps open-ended assignments open and later ones waiting', () => {
    expect(who(r.resolveIp('198.51.100.10', T('2099-01-01T00:00:00Z')))).toBe('c-dupont');
    expect(who(r.resolveIp('8.8.8.8', T('2031-01-01T00:00:00Z')))).toBe('c-petit');
    expect(r.resolveIp('8.8.8.8', NOW)).toBeNull();
  });

  it('reads IPv6 and every text form of an address', () => {
    expect(r.resolveIp('2001:db8::1', NOW)?.matched).toBe('2001:db8::/32');
    expect(r.resolveIp('2001:DB8:1:2:0:0:0:1', NOW)?.matched).toBe('2001:db8:1:2::/64');
    expect(r.resolveIp('[2001:db8:1:2::ffff]', NOW)?.customerId).toBe('c-v6-inner');
    expect(r.resolveIp('2001:db8:1:3::', NOW)?.customerId).toBe('c-v6');
    expect(r.resolveIp('2001:db9::', NOW)).toBeNull();
    expect(r.resolveIp('::ffff:198.51.100.77', NOW)?.customerId).toBe('c-bernard');
    expect(r.resolveIp('198.051.100.077', NOW)?.customerId).toBe('c-bernard');
    expect(r.resolveIp(' 198.51.100.77 ', NOW)?.customerId).toBe('c-bernard');
    expect(r.resolveIp('198.51.100.256', NOW)).toBeNull();
    expect(r.resolveIp('not an ip', NOW)).toBeNull();
    expect(r.resolveIp('', NOW)).toBeNull();
  });

  it('returns one frozen Match per assignment, shared between lookups', () => {
    const a = r.resolveIp('198.51.100.10', NOW);
    const b = r.resolveIp('198.51.100.200', NOW + 1);
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(r.resolveIp('2001:db8::1', NOW)).toBe(r.resolveIp('2001:db8::2', NOW));
  });

  it('counts what it holds', () => {
    expect(r.size).toEqual({ prefixes: 8, domains: 5, ipAssignments: 9, domainAssignments: 5 });
  });
});

describe('domain, URL and e-mail resolution', () => {
  it('takes the longest suffix', () => {
    expect(r.resolveDomain('dupont.example', NOW)?.matched).toBe('dupont.example');
    expect(r.resolveDomain('shop.dupont.example', NOW)?.customerId).toBe('c-dupont');
    expect(r.resolveDomain('a.b.SHOP.Dupont.Example.', NOW)?.customerId).toBe('c-dupont');
    expect(r.resolveDomain('xdupont.example', NOW)).toBeNull();
    expect(r.resolveDomain('shop.martin.example', NOW)?.customerId).toBe('c-martin');
    expect(r.resolveDomain('cart.shop.martin.example', NOW)?.customerId).toBe('c-martin');
    expect(r.resolveDomain('blog.martin.example', NOW)).toEqual({
      customerId: 'c-bernard', serviceId: 's-bernard', via: 'domain', matched: 'martin.example',
    });
    expect(r.resolveDomain('example', NOW)).toBeNull();
    expect(r.resolveDomain('www.xn--bcher-kva.example', NOW)?.customerId).toBe('c-petit');
    expect(r.resolveDomain('www.bücher.example', NOW)?.matched).toBe('xn--bcher-kva.example');
  });

  it('honours domain validity windows', () => {
    expect(r.resolveDomain('www.old.example', T('2024-06-01T00:00:00Z'))?.customerId).toBe('c-petit');
    expect(r.resolveDomain('www.old.example', T('2025-01-01T00:00:00Z'))).toBeNull();
  });

  it('reads the host of URLs in the forms reporters write', () => {
    const c = (u: string) => who(r.resolveUrl(u, NOW));
    expect(c('http://shop.dupont.example/cart?x=1')).toBe('c-dupont');
    expect(c('https://user:pw@shop.dupont.example:8443/login')).toBe('c-dupont');
    expect(c('hxxp://phish[.]dupont[.]example/login')).toBe('c-dupont');
    expect(c('hxxps[:]//phish(.)dupont(.)example')).toBe('c-dupont');
    expect(c('shop.dupont.example/path')).toBe('c-dupont');
    expect(c('//shop.dupont.example/path')).toBe('c-dupont');
    expect(c('<http://dupont.example/>')).toBe('c-dupont');
    expect(c('http://198.51.100.77/x.exe')).toBe('c-bernard');
    expect(c('http://198.51.100.77:8080/x.exe')).toBe('c-bernard');
    expect(c('198[.]51[.]100[.]77/x')).toBe('c-bernard');
    expect(c('http://[2001:db8:1:2::5]/x')).toBe('c-v6-inner');
    expect(c('http://[2001:db8:1:2::5]:8080/x')).toBe('c-v6-inner');
    expect(c('ftp://anonymous@[2001:db8::5]/pub')).toBe('c-v6');
    expect(c('http://bad host.dupont.example/x')).toBe(null);
    expect(c('http://other.example/?u=dupont.example')).toBeNull();
    expect(c('mailto:abuse@dupont.example')).toBe('c-dupont');
    expect(c('')).toBeNull();
    expect(c('http://')).toBeNull();
  });

  it('reads the domain of e-mail addresses', () => {
    const c = (e: string) => who(r.resolveEmail(e, NOW));
    expect(c('jean@dupont.example')).toBe('c-dupont');
    expect(c('Jean Dupont <jean@mail.dupont.example>')).toBe('c-dupont');
    expect(c('jean[at]dupont[.]example')).toBe('c-dupont');
    expect(c('postmaster@[198.51.100.77]')).toBe('c-bernard');
    expect(c('postmaster@[IPv6:2001:db8::9]')).toBe('c-v6');
    expect(c('no-at-sign.dupont.example')).toBeNull();
    expect(c('x@other.example')).toBeNull();
  });
});

describe('event resolution', () => {
  const base = { ip: null, url: null, domain: null, email: null, occurredAt: '2025-06-01T12:00:00Z', evidence: {} };

  it('tries ip, then url, domain, e-mail', () => {
    expect(r.resolveEvent({ ...base, ip: '198.51.100.77', url: 'http://dupont.example/' })?.customerId).toBe('c-bernard');
    expect(r.resolveEvent({ ...base, ip: '8.8.8.8', url: 'http://dupont.example/' })?.customerId).toBe('c-dupont');
    expect(r.resolveEvent({ ...base, url: 'http://x.invalid/', domain: 'shop.martin.example' })?.customerId).toBe('c-martin');
    expect(r.resolveEvent({ ...base, email: 'a@martin.example' })?.customerId).toBe('c-bernard');
  });

  it('uses the time the event occurred', () => {
    expect(r.resolveEvent({ ...base, ip: '203.0.113.1', occurredAt: '2024-06-01T00:00:00Z' })?.customerId).toBe('c-petit');
    expect(r.resolveEvent({ ...base, ip: '203.0.113.1', occurredAt: '2025-06-01T00:00:00Z' })?.customerId).toBe('c-martin');
    expect(r.resolveEvent({ ...base, ip: '203.0.113.1', occurredAt: 'yesterday' })).toBeNull();
  });

  it('falls back to the Received hops of forwarded spam, in order', () => {
    const evidence = { receivedIps: ['10.0.0.1', 42, '203.0.113.2', '198.51.100.77'] };
    expect(r.resolveEvent({ ...base, email: 'x@other.example', evidence })?.customerId).toBe('c-martin');
    expect(r.resolveEvent({ ...base, ip: '198.51.100.1', evidence })?.customerId).toBe('c-dupont');
    expect(r.resolveEvent({ ...base, evidence: { receivedIps: '203.0.113.2' } })).toBeNull();
    expect(r.resolveEvent({ ...base, evidence: { receivedIps: ['8.8.8.8'] } })).toBeNull();
  });
});

describe('snapshot validation', () => {
  const bad = (change: (s: InventorySnapshot) => void): InvalidSnapshotError => {
    const s = snapshot();
    change(s);
    try {
      Resolver.build(s);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidSnapshotError);
      return e as InvalidSnapshotError;
    }
    throw new Error('build accepted a bad snapshot');
  };

  it('names the CIDR it refuses', () => {
    for (const cidr of ['198.51.100.1/24', '198.51.100.0/33', '300.1.1.0/24', '2001:db8::1/32', 'dupont.example', '10.0.0.0/x']) {
      const e = bad((s) => (s.ipAssignments[2].cidr = cidr));
      expect(e.message).toContain(JSON.stringify(cidr));
      expect(e.message).toContain('ipAssignments[2].cidr');
    }
    expect(bad((s) => (s.ipAssignments[0].cidr = '198.51.100.1/24')).message).toContain('did you mean 198.51.100.0/24');
  });

  it('refuses unknown services, bad times and bad names', () => {
    expect(bad((s) => (s.ipAssignments[1].serviceId = 's-nobody')).message).toContain('ipAssignments[1].serviceId');
    expect(bad((s) => (s.domains[0].serviceId = 's-nobody')).message).toContain('domains[0].serviceId');
    expect(bad((s) => (s.ipAssignments[0].from = 'soon')).message).toContain('ipAssignments[0].from');
    expect(bad((s) => (s.domains[3].to = '2020-01-01T00:00:00Z')).message).toContain('ends before it starts');
    expect(bad((s) => (s.domains[1].name = 'bad name.example')).message).toContain('domains[1].name');
    expect(bad((s) => s.services.push({ id: 's-dupont', customerId: 'c-other' })).message).toContain('listed twice');
  });

  it('accepts non-canonical text and an empty inventory', () => {
    const s = snapshot();
    s.ipAssignments.push({ cidr: '2001:DB8:0:0:0:0:0:0/48', serviceId: 's-dupont', from: '2024-01-01T00:00:00Z', to: null });
    s.ipAssignments.push({ cidr: '::ffff:192.0.2.0/120', serviceId: 's-martin', from: '2024-01-01T00:00:00Z', to: null });
    s.ipAssignments.push({ cidr: '192.0.2.200', serviceId: 's-bernard', from: '2024-01-01T00:00:00Z', to: null });
    const x = Resolver.build(s);
    expect(x.resolveIp('2001:db8:0:1::', NOW)?.matched).toBe('2001:db8::/48');
    expect(x.resolveIp('192.0.2.1', NOW)?.matched).toBe('192.0.2.0/24');
    expect(x.resolveIp('192.0.2.200', NOW)?.matched).toBe('192.0.2.200/32');
    const empty = Resolver.build({ services: [], ipAssignments: [], domains: [] });
    expect(empty.resolveIp('1.2.3.4', NOW)).toBeNull();
    expect(empty.resolveIp('::1', NOW)).toBeNull();
    expect(empty.resolveDomain('dupont.example', NOW)).toBeNull();
  });
});
