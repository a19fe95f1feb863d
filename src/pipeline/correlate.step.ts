import { type Category, WEB_CONTENT_CATEGORIES } from '../domain/categories.js';
import type { NormalizedEvent } from '../domain/event.js';
import { canonicalIp } from '../domain/ip.js';
import { urlHost } from '../resolver/host.js';
import type { Match } from '../resolver/types.js';
import { AuditRepository, type AuditEntry } from '../storage/repositories/audit.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { type EventRow, EventRepository } from '../storage/repositories/event.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { ReportRepository } from '../storage/repositories/report.repository.js';
import type { PipelineContext } from './context.js';
import type { CaseChange } from './hooks.js';
import { CORRELATE_JOB } from './parse.step.js';
import type { JobType } from './worker.js';

const BATCH = 500;

/**
 * resolve + classify + correlate: each new event of a report finds its customer at the time of
 * the event, then joins the open case of that customer, category and resource or opens one.
 * Events are taken in batches, each batch one transaction; the job completes with the last, so
 * a crash resumes with the events still new and repeats none.
 */
export function correlateStep(ctx: PipelineContext): JobType<{ reportId: number }> {
  return {
    kind: CORRELATE_JOB,
    async run(job, { reportId }) {
      const resolver = await ctx.resolvers.current();
      const report = await new ReportRepository(ctx.db).get(reportId);
      for (;;) {
        const batch = await new EventRepository(ctx.db).pending(reportId, BATCH);
        const last = batch.length < BATCH;
        const now = ctx.clock.now();
        await ctx.db.transaction().execute(async (tx) => {
          const events = new EventRepository(tx);
          const cases = new CaseRepository(tx);
          const changes = new Map<number, CaseChange & { first: string; last: string }>();
          const audit: AuditEntry[] = [];
          const policyVersion = ctx.hooks.policyVersion ? await ctx.hooks.policyVersion(tx) : null;
          for (const row of batch) {
            const event = toEvent(row);
            const match = resolver.resolveEvent(event);
            if (!match) {
              await events.assign(row.id, { status: 'unassigned', customerId: null, serviceId: null, caseId: null, resource: resourceOf(event, null), matched: null });
              continue;
            }
            const resource = resourceOf(event, match);
            const consent = ctx.hooks.consentFor ? await ctx.hooks.consentFor(tx, event, match) : null;
            if (consent) {
              await events.assign(row.id, { status: 'consented', customerId: match.customerId, serviceId: match.serviceId, caseId: null, resource, matched: match.matched });
              audit.push({ actor: 'pipeline', entity: 'event', entityId: row.id, action: 'consented', data: { consent: consent.consentId, note: consent.note } });
              continue;
            }
            let kase = await cases.findOpen(match.customerId, event.category, resource);
            let opened = false;
            if (!kase) {
              kase = await cases.open({ customerId: match.customerId, category: event.category, resource, policyVersion, firstSeen: event.occurredAt, now });
              opened = true;
              audit.push({ actor: 'pipeline', entity: 'case', entityId: kase.id, action: 'opened', data: { customer: match.customerId, category: event.category, resource, report: reportId } });
            }
            await events.assign(row.id, { status: 'correlated', customerId: match.customerId, serviceId: match.serviceId, caseId: kase.id, resource, matched: match.matched });
            const c = changes.get(kase.id) ?? { caseId: kase.id, opened, newEvents: 0, first: event.occurredAt, last: event.occurredAt };
            c.newEvents++;
            if (event.occurredAt < c.first) c.first = event.occurredAt;
            if (event.occurredAt > c.last) c.last = event.occurredAt;
            changes.set(kase.id, c);
          }
          for (const c of changes.values()) await cases.addEvents(c.caseId, c.newEvents, c.first, c.last, now);
          await new AuditRepository(tx).append(now, audit);
          if (ctx.hooks.afterCorrelate && changes.size) await ctx.hooks.afterCorrelate(tx, [...changes.values()].map(({ caseId, opened, newEvents }) => ({ caseId, opened, newEvents })), now);
          if (last) await new JobRepository(tx).complete(job);
        });
        if (last) break;
      }
      if (report) ctx.metrics.reportToCaseSeconds.observe(Math.max(0, ctx.clock.now().getTime() - Date.parse(report.received_at)) / 1000);
      ctx.nudge();
    },
  };
}

function toEvent(row: EventRow): NormalizedEvent {
  return {
    category: row.category as Category,
    type: row.type,
    ip: row.ip,
    port: row.port,
    url: row.url,
    domain: row.domain,
    email: row.email,
    occurredAt: row.occurred_at,
    reporter: row.reporter,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
  };
}

/**
 * The resource a case is about: for content on the web, the site (the inventory domain it
 * resolved through, else the URL's host); for everything else the IP address, else a name.
 */
export function resourceOf(e: NormalizedEvent, match: Match | null): string {
  const host = (e.url && urlHost(e.url)) || e.domain || null;
  const hostIsName = host !== null && canonicalIp(host) === null;
  if (WEB_CONTENT_CATEGORIES.has(e.category) && hostIsName) return match?.via === 'domain' ? match.matched : host;
  if (e.ip) return e.ip;
  if (match?.via === 'ip') return match.matched.endsWith('/32') || match.matched.endsWith('/128') ? match.matched.split('/')[0] : host ?? match.matched;
  if (match?.via === 'domain') return match.matched;
  if (host) return canonicalIp(host) ?? host;
  if (e.email) return e.email.split('@').pop()!.toLowerCase();
  return 'unknown';
}
