/**
 * The typed client of /api/v1 that the console and the portal share. Every path lives in this
 * file, so a route the server names differently is one edit here. A route the server does not
 * have (Fastify's own "Route ... not found") becomes an `unavailable` error, which the screens
 * show as "not available on this server" rather than as a failure of the data.
 */

import type { Role, Session, UserRow, TokenRow, CaseSummary, CaseAction, CaseMessage, CaseNote, Customer, CaseDetail, ReportSummary, ReportDetail, QueueCount, QueueItem, SearchQuery, Dashboard, Consent, ConsentInput, Policy, PortalCase, PortalCaseDetail, InvoiceLine, AupDocument } from './api.types';

export type * from './api.types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The answer's body, for errors that carry details (a policy's problems by line). */
    readonly details: unknown = null,
  ) {
    super(message);
  }
  /** The server has no such route (an older or partial server), as opposed to "no such case". */
  get unavailable(): boolean {
    return this.code === 'unavailable';
  }
}

let csrfToken: string | null = null;

/** Fired on window when a request finds no valid session. */
export const SIGNED_OUT = 'abusedesk:signed-out';

/** CSRF token from the session answer; sent with every state-changing request. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken ?? readCookie('csrf-token') ?? readCookie('XSRF-TOKEN');
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const d = (data ?? {}) as { error?: string; code?: string; message?: string };
    const message = d.message ?? res.statusText;
    // Fastify's own answer for a path no route matches: the feature is not on this server.
    if (res.status === 404 && /^Route \w+:.* not found$/.test(message)) throw new ApiError(404, 'unavailable', 'Not available on this server yet.');
    // The session ended (expired, signed out elsewhere): the apps go back to their sign-in page.
    if (res.status === 401 && !path.startsWith('/session')) window.dispatchEvent(new Event(SIGNED_OUT));
    throw new ApiError(res.status, d.code ?? d.error ?? String(res.status), message, data);
  }
  return data as T;
}

const qs = (params: Record<string, string | number | undefined | null>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const out = s.toString();
  return out ? `?${out}` : '';
};

const id = (v: string | number) => encodeURIComponent(String(v));

async function signedIn(p: Promise<Session>): Promise<Session> {
  const s = await p;
  setCsrfToken(s.csrfToken);
  return s;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

/** A keyset-paged list route asked for its {items, next} envelope; a plain array means one page. */
const paged = async <T>(p: Promise<T[] | Page<T>>): Promise<Page<T>> => {
  const r = await p;
  return Array.isArray(r) ? { items: r, next: null } : { items: r.items, next: r.next ?? null };
};

/** A list route's answer, whether plain or in the {items, next} envelope. */
const items = async <T>(p: Promise<T[] | { items: T[] }>): Promise<T[]> => {
  const r = await p;
  return Array.isArray(r) ? r : r.items;
};

export const api = {
  session: {
    get: () => signedIn(request<Session>('GET', '/session')),
    signIn: (email: string, password: string, totp?: string) => signedIn(request<Session>('POST', '/session', { email, password, ...(totp ? { totp } : {}) })),
    signOut: () => request<void>('DELETE', '/session'),
    requestLink: (email: string) => request<unknown>('POST', '/session/link', { email }),
    redeemLink: (token: string) => signedIn(request<Session>('POST', '/session/link/redeem', { token })),
    changePassword: (current: string, password: string) => request<null>('PUT', '/session/password', { current, password }),
    enrollTotp: () => request<{ secret: string; uri: string }>('POST', '/session/totp', {}),
    confirmTotp: (code: string) => request<null>('POST', '/session/totp/confirm', { code }),
  },
  users: {
    list: () => request<UserRow[]>('GET', '/users'),
    add: (u: { email: string; role: Role; password?: string; customerId?: string; name?: string }) => request<UserRow>('POST', '/users', u),
    update: (userId: number, set: { role?: Role; disabled?: boolean; name?: string | null; password?: string }) => request<UserRow>('PATCH', `/users/${userId}`, set),
    tokens: () => request<TokenRow[]>('GET', '/tokens'),
    createToken: (t: { role: Role; name?: string; customerId?: string }) => request<{ token: string } & Partial<TokenRow>>('POST', '/tokens', t),
    revokeToken: (tokenId: number) => request<unknown>('DELETE', `/tokens/${tokenId}`),
  },
  queues: {
    counts: () => request<QueueCount[]>('GET', '/queues'),
    items: (name: string, limit = 200) => items(request<QueueItem[] | { items: QueueItem[] }>('GET', `/queues/${id(name)}${qs({ limit })}`)),
    page: (name: string, cursor?: string | null, limit = 100) => paged(request<QueueItem[] | Page<QueueItem>>('GET', `/queues/${id(name)}${qs({ limit, cursor, envelope: 'true' })}`)),
  },
  cases: {
    list: (q: { status?: string; customer?: string; category?: string; limit?: number } = {}) => request<CaseSummary[]>('GET', `/cases${qs(q)}`),
    /** The case page; an older server without the view route gives the plain case. */
    get: async (caseId: number): Promise<CaseDetail> => {
      try {
        return await request<CaseDetail>('GET', `/cases/${caseId}/view`);
      } catch (e) {
        if (e instanceof ApiError && e.unavailable) return request<CaseDetail>('GET', `/cases/${caseId}`);
        throw e;
      }
    },
    approve: (actionId: number) => request<CaseAction>('POST', `/actions/${actionId}/approve`, { reason: null }),
    cancel: (actionId: number, reason: string) => request<CaseAction>('POST', `/actions/${actionId}/cancel`, { reason }),
    resolve: (caseId: number, reason: string) => request<{ ok: boolean; detail: string | null }>('POST', `/cases/${caseId}/resolve`, { reason }),
    retry: (actionId: number) => request<CaseAction>('POST', `/actions/${actionId}/retry`, { reason: null }),
    propose: (caseId: number, step: { kind: string; scope?: string | null; reason?: string }) => request<CaseAction>('POST', `/cases/${caseId}/actions`, { approval: 'operator', ...step }),
    note: (caseId: number, text: string) => request<CaseNote>('POST', `/cases/${caseId}/notes`, { text }),
    reply: (caseId: number, body: string, subject?: string) => request<CaseMessage>('POST', `/cases/${caseId}/messages`, { body, as: 'operator', ...(subject ? { subject } : {}) }),
    bulk: (ids: number[], op: 'note' | 'close', args: { text?: string; reason?: string } = {}) => request<{ done: number; failed?: { id: number; error: string }[] }>('POST', '/cases/bulk', { ids, op, ...args }),
  },
  events: {
    /** An unclassified, new or unassigned event goes back to correlation with this category. */
    setCategory: (eventId: number, category: string) => request<{ eventId: number; from: string; to: string; previousCase: number | null; job: number }>('POST', `/events/${eventId}/category`, { category }),
  },
  reports: {
    list: (status?: string) => request<ReportSummary[]>('GET', `/reports${qs({ status })}`),
    /** The report as text (headers, body, attachments, SPF/DKIM/DMARC); falls back to the plain summary. */
    get: async (reportId: number): Promise<ReportDetail> => {
      try {
        return await request<ReportDetail>('GET', `/reports/${reportId}/view`);
      } catch (e) {
        if (e instanceof ApiError && e.unavailable) return request<ReportDetail>('GET', `/reports/${reportId}`);
        throw e;
      }
    },
    raw: async (reportId: number): Promise<string> => {
      const res = await fetch(`/api/v1/reports/${reportId}/raw`, { credentials: 'same-origin' });
      if (!res.ok) {
        const text = await res.text();
        if (res.status === 404 && /Route \w+:.* not found/.test(text)) throw new ApiError(404, 'unavailable', 'Not available on this server yet.');
        throw new ApiError(res.status, String(res.status), res.statusText);
      }
      // One character per byte: the MIME reader decodes each part's charset itself.
      const bytes = new Uint8Array(await res.arrayBuffer());
      let out = '';
      for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return out;
    },
    reparse: (reportId: number) => request<unknown>('POST', `/reports/${reportId}/reparse`, {}),
    reparseMany: (ids: number[]) => request<{ done: number; failed: { id: number; error: string }[] }>('POST', '/reports/reparse', { ids }),
  },
  actions: {
    /** One request per action (the server has no bulk route for actions); each succeeds or fails on its own. */
    many: async (op: 'approve' | 'retry', ids: number[]) => {
      const failed: { id: number; error: string }[] = [];
      let done = 0;
      for (const a of ids) {
        try {
          await request<CaseAction>('POST', `/actions/${a}/${op}`, { reason: null });
          done++;
        } catch (e) {
          failed.push({ id: a, error: e instanceof Error ? e.message : String(e) });
        }
      }
      return { done, failed };
    },
  },
  search: (q: SearchQuery) => items(request<CaseSummary[] | { items: CaseSummary[] }>('GET', `/search${qs({ ...q })}`)),
  searchPage: (q: SearchQuery, cursor?: string | null) => paged(request<CaseSummary[] | Page<CaseSummary>>('GET', `/search${qs({ ...q, cursor, envelope: 'true' })}`)),
  dashboard: (days = 30) => request<Dashboard>('GET', `/dashboard${qs({ days })}`),
  inventory: {
    customers: (q?: string, limit = 200) => request<Customer[]>('GET', `/customers${qs({ q, limit })}`),
    customer: (customerId: string) => request<Customer>('GET', `/customers/${id(customerId)}`),
    import: (doc: unknown) => request<{ customers: number; services: number; ipAssignments: number; domains: number }>('POST', '/inventory/import', doc),
  },
  consents: {
    list: () => request<Consent[]>('GET', '/consents'),
    add: (c: ConsentInput) => request<Consent>('POST', '/consents', c),
    revoke: (consentId: number, reason: string | null) => request<Consent>('POST', `/consents/${consentId}/revoke`, { reason }),
  },
  policy: {
    get: () => request<Policy>('GET', '/policy'),
    source: (ref: string) => request<{ ref: string; source: string }>('GET', `/policy/versions/${id(ref)}`),
    validate: (text: string) => request<{ ref: string }>('POST', '/policy/validate', { text, file: 'policy.yaml' }),
    activate: (text: string, announce: boolean) => request<{ ref: string; stored: boolean }>('POST', '/policy/activate', { text, file: 'policy.yaml', announce }),
  },
  portal: {
    cases: () => request<PortalCase[]>('GET', '/portal/cases'),
    case: (caseId: number) => request<PortalCaseDetail>('GET', `/portal/cases/${caseId}`),
    reply: (caseId: number, body: string) => request<CaseMessage>('POST', `/cases/${caseId}/messages`, { body }),
    /**
     * "I have fixed it": its own route where the server has one, else a reply that says so (a
     * customer reply reaches the workflow, which pauses or restarts the deadline as the policy says).
     */
    resolved: async (caseId: number, note: string, marker: string): Promise<unknown> => {
      try {
        return await request<unknown>('POST', `/portal/cases/${caseId}/resolved`, { note });
      } catch (e) {
        if (!(e instanceof ApiError) || !(e.unavailable || e.status === 404)) throw e;
        return request<CaseMessage>('POST', `/cases/${caseId}/messages`, { body: `${marker}\n\n${note}` });
      }
    },
    choose: (caseId: number, choice: 'modify' | 'pay' | 'move') => request<unknown>('POST', `/cases/${caseId}/resource-choice`, { choice, via: 'portal' }),
    invoices: () => request<InvoiceLine[]>('GET', '/portal/invoices'),
    aup: () => request<AupDocument>('GET', '/portal/aup'),
  },
};
