import { z } from 'zod';
import { analyzeCidr } from './ip.js';

/**
 * The inventory file (`abusedesk inventory import FILE.json`): customers, their services, and
 * which service held which addresses and domains when. This shape is a public contract.
 */
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time');

const customer = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  contacts: z.array(z.string().email()).default([]),
  plan: z.enum(['shared', 'vps', 'dedicated', 'colocation']),
  status: z.enum(['active', 'suspended', 'terminated']).default('active'),
  locale: z.string().regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, 'must be a language code like en, nl or fr').default('en'),
});

const service = z.object({
  id: z.string().min(1),
  customer: z.string().min(1),
  kind: z.string().min(1),
  label: z.string().default(''),
});

const ipAssignment = z.object({
  cidr: z.string().min(1),
  service: z.string().min(1),
  from: isoTime,
  to: isoTime.nullable().default(null),
});

const domain = z.object({
  name: z
    .string()
    .min(1)
    .transform((s) => s.trim().toLowerCase().replace(/\.$/, ''))
    .refine((s) => /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*$/.test(s), 'must be a domain name'),
  service: z.string().min(1),
  from: isoTime,
  to: isoTime.nullable().default(null),
});

export const inventorySchema = z.object({
  customers: z.array(customer).default([]),
  services: z.array(service).default([]),
  ipAssignments: z.array(ipAssignment).default([]),
  domains: z.array(domain).default([]),
});

export type InventoryDocument = z.infer<typeof inventorySchema>;

export class InventoryError extends Error {}

function where(list: string, index: number, record: unknown, field?: string): string {
  const r = record as Record<string, unknown> | undefined;
  const key = r && typeof r === 'object' ? (r.id ?? r.cidr ?? r.name) : undefined;
  return `${list}[${index}]${key !== undefined ? ` (${String(key)})` : ''}${field ? `.${field}` : ''}`;
}

/**
 * Validates an inventory document whole. Known ids (already in the database) let a file add
 * services to existing customers. Throws InventoryError naming every bad record and field.
 */
export function validateInventory(input: unknown, known: { customers: Set<string>; services: Set<string> }): InventoryDocument {
  const parsed = inventorySchema.safeParse(input);
  const errors: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) {
      const [list, index, ...field] = issue.path.map(String);
      const record = index !== undefined ? (input as Record<string, unknown[]>)?.[list]?.[Number(index)] : undefined;
      errors.push(`${index !== undefined ? where(list, Number(index), record, field.join('.')) : list || 'document'}: ${issue.message}`);
    }
    throw new InventoryError(`inventory rejected, nothing imported:\n  ${errors.join('\n  ')}`);
  }
  const doc = parsed.data;
  const customers = new Set([...known.customers, ...doc.customers.map((c) => c.id)]);
  const services = new Set([...known.services, ...doc.services.map((s) => s.id)]);
  const seen = new Set<string>();
  doc.customers.forEach((c, i) => {
    if (seen.has(`c:${c.id}`)) errors.push(`${where('customers', i, c, 'id')}: appears twice in the file`);
    seen.add(`c:${c.id}`);
  });
  doc.services.forEach((s, i) => {
    if (!customers.has(s.customer)) errors.push(`${where('services', i, s, 'customer')}: no customer "${s.customer}"`);
    if (seen.has(`s:${s.id}`)) errors.push(`${where('services', i, s, 'id')}: appears twice in the file`);
    seen.add(`s:${s.id}`);
  });
  doc.ipAssignments.forEach((a, i) => {
    const c = analyzeCidr(a.cidr);
    if ('error' in c) errors.push(`${where('ipAssignments', i, a, 'cidr')}: "${a.cidr}": ${c.error}`);
    else a.cidr = c.cidr.text;
    if (!services.has(a.service)) errors.push(`${where('ipAssignments', i, a, 'service')}: no service "${a.service}"`);
    if (a.to && Date.parse(a.to) <= Date.parse(a.from)) errors.push(`${where('ipAssignments', i, a, 'to')}: must be after from`);
  });
  doc.domains.forEach((d, i) => {
    if (!services.has(d.service)) errors.push(`${where('domains', i, d, 'service')}: no service "${d.service}"`);
    if (d.to && Date.parse(d.to) <= Date.parse(d.from)) errors.push(`${where('domains', i, d, 'to')}: must be after from`);
  });
  if (errors.length) {
    const more = errors.length > 20 ? `\n  ... and ${errors.length - 20} more` : '';
    throw new InventoryError(`inventory rejected, nothing imported:\n  ${errors.slice(0, 20).join('\n  ')}${more}`);
  }
  for (const a of doc.ipAssignments) { a.from = new Date(a.from).toISOString(); a.to = a.to ? new Date(a.to).toISOString() : null; }
  for (const d of doc.domains) { d.from = new Date(d.from).toISOString(); d.to = d.to ? new Date(d.to).toISOString() : null; }
  return doc;
}
