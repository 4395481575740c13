/**
 * What is read from a definition version, kept per version id: a version never changes, so an entry
 * never goes stale. Bounded (oldest out first); a failed read is not kept, so the next call retries.
 */
export class VersionCache<T> {
  private readonly cache = new Map<string, Promise<T>>();

  constructor(private readonly limit = 200) {}

  get(id: string, read: () => Promise<T>): Promise<T> {
    let entry = this.cache.get(id);
    if (!entry) {
      entry = read();
      entry.catch(() => this.cache.delete(id));
      const oldest = this.cache.keys().next();
      if (this.cache.size >= this.limit && !oldest.done) this.cache.delete(oldest.value);
      this.cache.set(id, entry);
    }
    return entry;
  }
}
