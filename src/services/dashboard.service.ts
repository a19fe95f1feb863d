import type { AbuseDesk } from '../app.js';
import { ConsoleRepository } from '../storage/repositories/console.repository.js';

/** The p-th percentile (0..1) of sorted numbers, nearest rank; null for none. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** A percentile read from a Prometheus histogram's cumulative buckets: the upper bound of the bucket that holds it. */
function bucketPercentile(buckets: { le: number; count: number }[], total: number, p: number): number | null {
  if (!total) return null;
  const rank = p * total;
  for (const b of buckets) if (b.count >= rank) return Number.isFinite(b.le) ? b.le : null;
  return null;
}

/**
 * The dashboard's figures over the last `days` days. Aggregates over a window are cached for a
 * minute: the dashboard is looked at by many, and its numbers do not need to be fresher.
 */
export class DashboardService {
  private cache = new Map<number, { at: number; value: Awaited<ReturnType<DashboardService['compute']>> }>();

  constructor(private readonly desk: AbuseDesk) {}

  async get(days: number) {
    const now = this.desk.ctx.clock.now().getTime();
    const hit = this.cache.get(days);
    if (hit && now - hit.at < 60_000) return { ...hit.value, stageLatency: await this.stageLatency() };
    const value = await this.compute(days);
    this.cache.set(days, { at: now, value });
    return { ...value, stageLatency: await this.stageLatency() };
  }

  private async compute(days: number) {
    const now = this.desk.ctx.clock.now();
    const since = new Date(now.getTime() - days * 86_400_000).toISOString();
    const repo = new ConsoleRepository(this.desk.database.db);
    const [reportsPerDay, cases, firsts, topCustomers, topReporters] = await Promise.all([
      repo.eventsPerDay(since),
      repo.casesPerDay(since),
      repo.firstActions(since, 50_000),
      repo.topCustomers(since, 10),
      repo.topReporters(since, 10),
    ]);
    const byDay = new Map<string, { day: string; opened: number; closed: number }>();
    for (const r of cases.opened) byDay.set(r.day, { day: r.day, opened: r.n, closed: 0 });
    for (const r of cases.closed) byDay.set(r.day, { ...(byDay.get(r.day) ?? { day: r.day, opened: 0 }), closed: r.n });
    const delays = firsts
      .map((f) => (Date.parse(f.first_action) - Date.parse(f.opened_at)) / 1000)
      .filter((s) => Number.isFinite(s) && s >= 0)
      .sort((a, b) => a - b);
    return {
      since,
      reportsPerDay: reportsPerDay.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.category < b.category ? -1 : 1)),
      casesPerDay: [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
      timeToFirstAction: { p50: percentile(delays, 0.5), p90: percentile(delays, 0.9), p99: percentile(delays, 0.99), count: delays.length },
      topCustomers,
      topReporters,
    };
  }

  /** Each pipeline stage's latency in seconds, from this process's /metrics histogram (its cumulative buckets). */
  async stageLatency() {
    const data = await this.desk.ctx.metrics.stageSeconds.get();
    const stages = new Map<string, { buckets: Map<number, number>; total: number }>();
    for (const v of data.values) {
      const stage = String(v.labels.stage ?? 'unknown');
      const s = stages.get(stage) ?? { buckets: new Map<number, number>(), total: 0 };
      if (v.metricName?.endsWith('_bucket')) {
        const raw = (v.labels as Record<string, string | number | undefined>).le;
        const le = raw === '+Inf' ? Number.POSITIVE_INFINITY : Number(raw);
        s.buckets.set(le, (s.buckets.get(le) ?? 0) + v.value);
      } else if (v.metricName?.endsWith('_count')) s.total += v.value;
      stages.set(stage, s);
    }
    return [...stages.entries()].map(([stage, s]) => {
      const cumulative = [...s.buckets.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
      return { stage, p50: bucketPercentile(cumulative, s.total, 0.5), p95: bucketPercentile(cumulative, s.total, 0.95), p99: bucketPercentile(cumulative, s.total, 0.99), count: s.total };
    });
  }
}
