/**
 * The time-and-sales tape's memory: the newest prints first, bounded, duplicates (a replayed message after a
 * reconnect) dropped by trade id, and a size filter that hides small prints without forgetting them.
 */

export interface Print {
  id: string;
  ts: number;
  price: number;
  size: number;
  /** The aggressor: a buy lifted the ask, a sell hit the bid. */
  side: 'buy' | 'sell';
}

export class Tape {
  private rows: Print[] = [];
  private readonly ids = new Set<string>();

  readonly capacity: number;

  constructor(capacity = 500) {
    this.capacity = capacity;
  }

  /** Adds prints in arrival order; returns how many were new. */
  push(prints: readonly Print[]): number {
    let added = 0;
    for (const p of prints) {
      if (!(p.size > 0) || !Number.isFinite(p.price) || this.ids.has(p.id)) continue;
      this.ids.add(p.id);
      this.rows.push(p);
      added++;
    }
    if (this.rows.length > this.capacity) {
      for (const old of this.rows.splice(0, this.rows.length - this.capacity)) this.ids.delete(old.id);
    }
    return added;
  }

  clear(): void {
    this.rows = [];
    this.ids.clear();
  }

  get size(): number {
    return this.rows.length;
  }

  /** Up to `limit` prints of at least `minSize`, newest first. */
  view(minSize: number, limit: number): Print[] {
    const out: Print[] = [];
    for (let i = this.rows.length - 1; i >= 0 && out.length < limit; i--) {
      const p = this.rows[i]!;
      if (p.size >= minSize) out.push(p);
    }
    return out;
  }
}

/** Parses the size filter a trader types: empty means no filter; anything else must be a number ≥ 0. */
export function parseMinSize(text: string): { ok: true; value: number } | { ok: false; error: string } {
  const t = text.trim();
  if (!t) return { ok: true, value: 0 };
  if (!/^\d*\.?\d+$|^\d+\.$/.test(t)) return { ok: false, error: 'Minimum size is a number, e.g. 0.5' };
  return { ok: true, value: Number(t) };
}
