import { expect, it } from 'vitest';
import { InventoryError, validateInventory } from '../src/domain/inventory.js';
import { InventoryRepository } from '../src/storage/repositories/inventory.repository.js';
import { describeEachEngine } from './support/databases.js';
import { openDesk } from './support/desk.js';

const doc = {
  customers: [
    { id: 'c-1001', name: 'Brasserie Dupont', contacts: ['it@dupont.example'], plan: 'shared', locale: 'fr' },
    { id: 'c-1002', name: 'Bakkerij Jansen', contacts: ['info@jansen.example'], plan: 'vps', locale: 'nl' },
  ],
  services: [
    { id: 's-1', customer: 'c-1001', kind: 'shared-hosting', label: 'web01 account dupont' },
    { id: 's-2', customer: 'c-1002', kind: 'server', label: 'vps jansen' },
  ],
  ipAssignments: [
    { cidr: '192.0.2.0/28', service: 's-1', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '2001:db8:1::/48', service: 's-2', from: '2024-01-01T00:00:00Z', to: null },
  ],
  domains: [{ name: 'Dupont.Example', service: 's-1', from: '2024-01-01T00:00:00Z', to: null }],
};

it('names the record and field of every error, and imports nothing', () => {
  const bad = structuredClone(doc) as any;
  bad.customers[1].plan = 'platinum';
  expect(() => validateInventory(bad, { customers: new Set(), services: new Set() })).toThrow(/customers\[1\] \(c-1002\)\.plan/);
  const bad2 = structuredClone(doc) as any;
  bad2.ipAssignments[0].cidr = '192.0.2.1/28';
  bad2.domains[0].service = 's-9';
  let message = '';
  try {
    validateInventory(bad2, { customers: new Set(), services: new Set() });
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryError);
    message = (err as Error).message;
  }
  expect(message).toMatch(/ipAssignments\[0\] \(192\.0\.2\.1\/28\)\.cidr: .*host bits/);
  expect(message).toMatch(/domains\[0\] \(dupont\.example\)\.service: no service "s-9"/);
});

describeEachEngine('inventory import', (db) => {
  it('is idempotent and all-or-nothing', async () => {
    const desk = await openDesk(db());
    await desk.inventory.import(doc);
    const repo = new InventoryRepository(db().db);
    const first = await repo.snapshot();
    await desk.inventory.import(doc);
    const second = await repo.snapshot();
    expect(second).toEqual(first);
    expect(await repo.counts()).toEqual({ customers: 2, services: 2, ipAssignments: 2, domains: 1 });
    expect(first.domains[0].name).toBe('dupont.example');

    const broken = structuredClone(doc) as any;
    broken.customers.push({ id: 'c-1003', name: 'New', plan: 'shared', contacts: [] });
    broken.ipAssignments.push({ cidr: 'not-a-cidr', service: 's-1', from: '2024-01-01T00:00:00Z' });
    await expect(desk.inventory.import(broken)).rejects.toThrow(/ipAssignments\[2\]/);
    expect((await repo.counts()).customers).toBe(2);
    await desk.close();
  });

  it('resolves whoever held an address at the time', async () => {
    const desk = await openDesk(db());
    await desk.inventory.import({
      ...doc,
      ipAssignments: [
        { cidr: '198.51.100.0/24', service: 's-1', from: '2024-01-01T00:00:00Z', to: '2024-06-01T00:00:00Z' },
        { cidr: '198.51.100.0/24', service: 's-2', from: '2024-06-01T00:00:00Z', to: null },
      ],
    });
    const resolver = await desk.ctx.resolvers.current();
    expect(resolver.resolveIp('198.51.100.7', Date.parse('2024-03-01T00:00:00Z'))?.customerId).toBe('c-1001');
    expect(resolver.resolveIp('198.51.100.7', Date.parse('2024-07-01T00:00:00Z'))?.customerId).toBe('c-1002');
    expect(resolver.resolveDomain('shop.dupont.example', Date.parse('2025-01-01T00:00:00Z'))?.customerId).toBe('c-1001');
    await desk.close();
  });
});
