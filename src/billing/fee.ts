import { durationMs } from '../workflow/duration.js';

/** Days in one period of a recurring price as the policy writes it (`month`, `week`, `P30D`). */
export function periodDays(per: string | undefined, fallback: number): number {
  switch ((per ?? '').toLowerCase()) {
    case 'day':
      return 1;
    case 'week':
      return 7;
    case 'month':
      return 30;
    case 'quarter':
      return 91;
    case 'year':
      return 365;
    default: {
      const ms = per ? durationMs(per) : null;
      return ms && ms >= 86_400_000 ? Math.round(ms / 86_400_000) : fallback;
    }
  }
}
