/** Who may do what: operators work cases, customers see only their own. */
export const ROLES = ['analyst', 'supervisor', 'admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];

export const OPERATORS: readonly Role[] = ['analyst', 'supervisor', 'admin'];
export const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];
export const ADMINS: readonly Role[] = ['admin'];
export const CUSTOMERS: readonly Role[] = ['customer'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The one who makes a request: a signed-in user or an API token. */
export interface Principal {
  kind: 'user' | 'token';
  /** User id or token id. */
  id: number;
  role: Role;
  /** Set for role customer: the only customer whose data this principal may see. */
  customerId: string | null;
  email: string | null;
  name: string | null;
  /** How the audit log names this principal, e.g. `user:ann@example.net` or `token:7`. */
  actor: string;
  /** Signed in by cookie: state-changing requests need the CSRF token. */
  viaCookie: boolean;
  /** The session's CSRF token (cookie sessions only). */
  csrfToken: string | null;
}

export function isOperator(p: Principal | null | undefined): boolean {
  return !!p && p.role !== 'customer';
}
