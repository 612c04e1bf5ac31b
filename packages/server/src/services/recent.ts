/**
 * The last few results of an expensive computation, by key, each valid for the store's write
 * version it was computed at (a newer version replaces it); the least recently used goes first.
 */
export class RecentResults<V> {
  private readonly entries = new Map<string, { version: string; value: V }>();

  constructor(private readonly capacity: number) {}

  /** The value of `key` at `version`, computed unless it is cached for that version. */
  async get(key: string, version: string, compute: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    const value = cached?.version === version ? cached.value : await compute();
    this.entries.delete(key);
    this.entries.set(key, { version, value });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}
