/**
 * A map for a handful of short-lived entries (one per working order), kept as parallel arrays. A Map that
 * gains and loses one entry per order reallocates its hash table over and over; with a few live keys a scan
 * of an array is both cheaper and allocation-free.
 */
export class SmallMap<K, V> {
  private readonly keys: K[] = [];
  private readonly values: V[] = [];

  get size(): number {
    return this.keys.length;
  }

  get(key: K): V | undefined {
    const k = this.keys.indexOf(key);
    return k < 0 ? undefined : this.values[k];
  }

  set(key: K, value: V): void {
    const k = this.keys.indexOf(key);
    if (k >= 0) {
      this.values[k] = value;
      return;
    }
    this.keys.push(key);
    this.values.push(value);
  }

  delete(key: K): boolean {
    const k = this.keys.indexOf(key);
    if (k < 0) return false;
    // Shift down and pop, not splice: splice allocates an array of the removed elements.
    const ks = this.keys;
    const vs = this.values;
    for (let j = k; j < ks.length - 1; j++) {
      ks[j] = ks[j + 1]!;
      vs[j] = vs[j + 1]!;
    }
    ks.pop();
    vs.pop();
    return true;
  }

  /** Deletes every entry holding `value`. */
  deleteValue(value: V): void {
    for (let k = this.values.length - 1; k >= 0; k--) if (this.values[k] === value) this.delete(this.keys[k]!);
  }
}
