/**
 * What the resolver is built from: the inventory as the database holds it, with times as ISO-8601
 * text. Validity windows are half-open, [from, to); `to: null` means still assigned.
 */
export interface InventorySnapshot {
  services: { id: string; customerId: string }[];
  ipAssignments: { cidr: string; serviceId: string; from: string; to: string | null }[];
  domains: { name: string; serviceId: string; from: string; to: string | null }[];
}

/** Who is behind a reported resource, and through which inventory record. */
export interface Match {
  customerId: string;
  serviceId: string;
  via: 'ip' | 'domain';
  /** The canonical CIDR (`192.0.2.0/28`) or the inventory domain (`dupont.example`) that matched. */
  matched: string;
}

/** A snapshot the resolver refuses, naming the record and field at fault. */
export class InvalidSnapshotError extends Error {
  constructor(
    readonly list: keyof InventorySnapshot,
    readonly index: number,
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`inventory ${list}[${index}].${field} ${JSON.stringify(value)}: ${reason}`);
    this.name = 'InvalidSnapshotError';
  }
}
