import type { FastifyInstance } from 'fastify';
import type { AbuseDesk } from '../../src/app.js';
import { authFor } from '../../src/auth/auth.service.js';
import { consoleApi } from '../../src/http/api/console.routes.js';
import { buildHttpApp } from '../../src/http/app.js';
import { CaseRepository } from '../../src/storage/repositories/case.repository.js';
import { EventRepository } from '../../src/storage/repositories/event.repository.js';
import { ReportRepository } from '../../src/storage/repositories/report.repository.js';

export const PASSWORD = 'correct horse battery';

/** Two customers of the same provider, each with a case, an event and a report, and one user each plus operators. */
export async function seedTwoCustomers(desk: AbuseDesk, tag: string) {
  await desk.inventory.import({
    customers: [
      { id: `a-${tag}`, name: `Alpha ${tag}`, contacts: [`it@alpha-${tag}.example`], plan: 'shared', locale: 'en' },
      { id: `b-${tag}`, name: `Bravo ${tag}`, contacts: [`ops@bravo-${tag}.example`], plan: 'vps', locale: 'nl' },
    ],
    services: [
      { id: `sa-${tag}`, customer: `a-${tag}`, kind: 'shared-hosting', label: 'alpha web' },
      { id: `sb-${tag}`, customer: `b-${tag}`, kind: 'server', label: 'bravo secret server' },
    ],
    ipAssignments: [],
    domains: [],
  });
  const db = desk.database.db;
  const now = desk.ctx.clock.now();
  const mk = async (customer: string, resource: string, category: string, evidence: Record<string, unknown>, reporter: string) => {
    const raw = Buffer.from(`From: ${reporter}\r\nTo: abuse@provider.example\r\nSubject: <script>alert(1)</script> complaint about ${resource}\r\nMessage-ID: <${tag}-${resource}@x>\r\n\r\nYour host ${resource} did bad things.\r\n`);
    const { id: reportId } = await new ReportRepository(db).insertOnce({ sha256: `${tag}-${resource}-${Math.random()}`, channel: 'smtp', reporter, messageId: null, subject: `complaint about ${resource}`, filename: null, receivedAt: now, raw, meta: {} });
    const c = await new CaseRepository(db).open({ customerId: customer, category, resource, policyVersion: null, firstSeen: now.toISOString(), now });
    await new EventRepository(db).insertNew(reportId, [{ fingerprint: `${tag}-${resource}`, category: category as never, type: 'test', ip: resource.includes('.') && /^\d/.test(resource) ? resource : null, port: null, url: null, domain: null, email: null, occurredAt: now.toISOString(), reporter, evidence }], now);
    const [e] = await new EventRepository(db).forReport(reportId);
    await new EventRepository(db).assign(e.id, { status: 'correlated', customerId: customer, serviceId: null, caseId: c.id, resource, matched: resource });
    await new CaseRepository(db).addEvents(c.id, 1, now.toISOString(), now.toISOString(), now);
    return { caseId: c.id, reportId, eventId: e.id };
  };
  const a = await mk(`a-${tag}`, '192.0.2.10', 'spam', { excerpt: `complaint by victim@reporter-${tag}.example about spam`, reporterName: 'Jane Victim', port: 25 }, `abuse@reporter-${tag}.example`);
  const aChild = await mk(`a-${tag}`, `alpha-${tag}.example`, 'child-abuse', { excerpt: 'DESCRIPTION OF MATERIAL', hash: 'abc' }, `hotline@reporter-${tag}.example`);
  const b = await mk(`b-${tag}`, '198.51.100.77', 'phishing', { excerpt: `BRAVO-SECRET-${tag}` }, `bank@reporter-${tag}.example`);
  const auth = authFor(desk);
  const admin = await auth.createUser({ email: `admin@${tag}.example`, role: 'admin', password: PASSWORD }, 'test');
  const analyst = await auth.createUser({ email: `analyst@${tag}.example`, role: 'analyst', password: PASSWORD }, 'test');
  const custA = await auth.createUser({ email: `it@alpha-${tag}.example`, role: 'customer', customerId: `a-${tag}`, password: PASSWORD }, 'test');
  const custB = await auth.createUser({ email: `ops@bravo-${tag}.example`, role: 'customer', customerId: `b-${tag}`, password: PASSWORD }, 'test');
  return { a, aChild, b, admin, analyst, custA, custB, bSecrets: [`b-${tag}`, '198.51.100.77', `BRAVO-SECRET-${tag}`, `Bravo ${tag}`, `bank@reporter-${tag}.example`] };
}

export async function app(desk: AbuseDesk): Promise<FastifyInstance> {
  const http = await buildHttpApp(desk, [consoleApi(desk)]);
  await http.ready();
  return http;
}

export interface Signed {
  cookie: string;
  csrf: string;
  sessionToken: string;
}

/** Signs in through the API and returns the cookie header and CSRF token to send after. */
export async function signIn(http: FastifyInstance, email: string, password = PASSWORD, extra: Record<string, string> = {}, cookie?: string): Promise<Signed> {
  const res = await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password, ...extra }, headers: cookie ? { cookie } : {} });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
  const session = res.cookies.find((c) => c.name === 'abusedesk_session');
  if (!session) throw new Error('no session cookie');
  return { cookie: `abusedesk_session=${session.value}`, csrf: res.json().csrfToken, sessionToken: session.value };
}
