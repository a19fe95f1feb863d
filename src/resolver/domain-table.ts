import type { Match } from './types.js';

export interface DomainRow {
  name: string;
  from: number;
  to: number;
  match: Match;
}

interface Window {
  from: number;
  to: number;
  match: Match;
}

/**
 * Longest-suffix match over inventory domains with validity windows: `shop.dupont.example` is
 * looked up as itself, then `dupont.example`, then `example`; the first name with a record valid
 * at the asked moment wins. Names must already be normalized (normalizeDomain).
 */
export class DomainTable {
  private constructor(private readonly byName: Map<string, Window[]>) {}

  static build(rows: DomainRow[]): DomainTable {
    const byName = new Map<string, Window[]>();
    for (const r of rows) {
      let list = byName.get(r.name);
      if (!list) byName.set(r.name, (list = []));
      list.push({ from: r.from, to: r.to, match: r.match });
    }
    // Latest start first, so overlapping records resolve to the newest (stable sort keeps order).
    for (const list of byName.values()) list.sort((a, b) => b.from - a.from);
    return new DomainTable(byName);
  }

  get size(): number {
    return this.byName.size;
  }

  lookup(host: string, at: number): Match | null {
    let name = host;
    for (;;) {
      const list = this.byName.get(name);
      if (list) for (const w of list) if (w.from <= at && at < w.to) return w.match;
      const dot = name.indexOf('.');
      if (dot < 0) return null;
      name = name.slice(dot + 1);
    }
  }
}
