import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { covers, inCidr } from '../../src/workflow/consents.js';
import { durationMs } from '../../src/workflow/duration.js';
import { parsePolicy, PolicyError } from '../../src/workflow/policy.js';
import type { ConsentRow } from '../../src/storage/repositories/consent.repository.js';

const defaultText = readFileSync(resolve(import.meta.dirname, '../../policies/default-policy.yaml'), 'utf8');

it('reads deadlines as ISO-8601 durations without calendar units, or hours', () => {
  expect(durationMs('PT4H')).toBe(4 * 3_600_000);
  expect(durationMs('P1DT12H')).toBe(36 * 3_600_000);
  expect(durationMs('P1W')).toBe(7 * 86_400_000);
  expect(durationMs(48)).toBe(2 * 86_400_000);
  for (const bad of ['P1M', 'P1Y', 'P', 'PT', '2 days', '-P1D', 'P1DT']) expect(durationMs(bad), bad).toBeNull();
});

it('refuses a policy whole, naming line and field of every problem', () => {
  const broken = defaultText
    .replace('id: ossc-default', 'id: ossc-default\nsurprise: 1')
    .replace('  irc:\n', '  ircc:\n')
    .replace('{ kind: suspend, scope: mail }', '{ kind: suspend }');
  let err: PolicyError | null = null;
  try {
    parsePolicy(broken, 'p.yaml');
  } catch (e) {
    err = e as PolicyError;
  }
  expect(err).toBeInstanceOf(PolicyError);
  const lines = broken.split('\n');
  const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
  const problems = err!.problems.map((p) => `${p.line} ${p.field}: ${p.message}`);
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${lineOf("surprise: 1")} surprise: Unrecognized key: "surprise"`)),
      expect.stringMatching(new RegExp(`^${lineOf('  ircc:')} categories.ircc: unknown category "ircc"`)),
      expect.stringMatching(/categories: category "irc" is missing/),
      expect.stringMatching(new RegExp(`^${lineOf('{ kind: suspend }')} categories.spam.ladder.1.actions.0.scope: a suspend action needs a scope`)),
    ]),
  );
  expect(() => parsePolicy('id: a\nid: b\n', 'dup.yaml')).toThrow(/dup\.yaml:2:\d+: \(document\): Map keys must be unique/);
});

function consent(c: Partial<ConsentRow>): ConsentRow {
  return { id: 1, customer_id: 'c', kind: 'port-scan', cidrs: '["198.51.100.0/28","2001:db8::/64"]', targets: null, ports: null, valid_from: '2026-01-01T00:00:00.000Z', valid_to: null, document: 'd', note: null, created_at: '', created_by: '', revoked_at: null, revoked_by: null, revoke_reason: null, hits: 0, last_hit_at: null, ...c };
}
const ev = (ip: string, evidence: Record<string, unknown> = {}, port: number | null = null) => ({ category: 'port-scan' as const, type: 't', ip, port, url: null, domain: null, email: null, occurredAt: '2026-03-01T00:00:00Z', reporter: null, evidence });

it('a consent covers its addresses, and only the targets and ports it names', () => {
  expect(inCidr('198.51.100.15', '198.51.100.0/28')).toBe(true);
  expect(inCidr('198.51.100.16', '198.51.100.0/28')).toBe(false);
  expect(inCidr('2001:db8::ff', '2001:db8::/64')).toBe(true);
  expect(inCidr('2001:db8:1::1', '2001:db8::/64')).toBe(false);
  expect(covers(consent({}), ev('198.51.100.3'))).toBe(true);
  expect(covers(consent({}), ev('2001:db8::7'))).toBe(true);
  expect(covers(consent({}), ev('198.51.100.99'))).toBe(false);
  const narrow = consent({ targets: '["203.0.113.0/24","audit.example"]', ports: '[[1,1024]]' });
  expect(covers(narrow, ev('198.51.100.3', { destination_ip: '203.0.113.5', destination_port: 443 }))).toBe(true);
  expect(covers(narrow, ev('198.51.100.3', { destination: 'www.audit.example' }, 80))).toBe(true);
  expect(covers(narrow, ev('198.51.100.3', { destination_ip: '203.0.113.5', destination_port: 8080 }))).toBe(false);
  expect(covers(narrow, ev('198.51.100.3', { destination_ip: '192.0.2.1', destination_port: 22 }))).toBe(false);
  expect(covers(narrow, ev('198.51.100.3', {}, 22))).toBe(false);
});
