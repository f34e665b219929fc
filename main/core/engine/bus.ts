/**
 * Typed message bus: synchronous, in subscription order, so delivery is deterministic. Publishers on hot
 * paths check `has(type)` first and build no payload when nobody listens.
 */
export class Bus<M extends { [K in keyof M]: unknown }> {
  private readonly handlers = new Map<keyof M, ((payload: never) => void)[]>();
  /** Total subscriptions: lets per-candle publishers skip even the map lookup when nobody listens. */
  count = 0;

  on<K extends keyof M>(type: K, fn: (payload: M[K]) => void): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(fn as (payload: never) => void);
    this.handlers.set(type, list);
    this.count++;
    let live = true;
    return () => {
      const l = this.handlers.get(type);
      if (l && live) {
        live = false;
        this.count--;
        this.handlers.set(type, l.filter((f) => f !== fn));
      }
    };
  }

  has<K extends keyof M>(type: K): boolean {
    const l = this.handlers.get(type);
    return l !== undefined && l.length > 0;
  }

  emit<K extends keyof M>(type: K, payload: M[K]): void {
    const l = this.handlers.get(type);
    if (!l) return;
    for (const fn of l) (fn as (p: M[K]) => void)(payload);
  }
}
