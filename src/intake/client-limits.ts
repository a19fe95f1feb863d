/**
 * Per-client limits for a listening intake: how many connections one address may hold, and how
 * many messages it may send per minute (a token bucket, so a short burst passes). Memory stays
 * bounded: buckets that have refilled are forgotten.
 */
export class ClientLimits {
  private readonly connections = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly maxConnections: number,
    private readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts a new connection; false when the client already holds its share (the caller refuses it). */
  connect(client: string): boolean {
    const n = this.connections.get(client) ?? 0;
    if (n >= this.maxConnections) return false;
    this.connections.set(client, n + 1);
    return true;
  }

  disconnect(client: string): void {
    const n = (this.connections.get(client) ?? 1) - 1;
    if (n <= 0) this.connections.delete(client);
    else this.connections.set(client, n);
  }

  /** Takes one message token; false when the client is over its rate. */
  takeMessage(client: string): boolean {
    const t = this.now();
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(client) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + (t - b.at) * rate);
    b.at = t;
    if (b.tokens < 1) {
      this.buckets.set(client, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(client, b);
    if (this.buckets.size > 10_000) this.sweep(t, rate);
    return true;
  }

  private sweep(t: number, rate: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + (t - b.at) * rate >= this.perMinute) this.buckets.delete(k);
  }
}
