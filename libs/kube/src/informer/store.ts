// The informer's cache: objects by key ("namespace/name" or "name"), with optional secondary indexes.
// Pure and synchronous.

export interface ObjectWithMeta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

/** Key of an object as client-go builds it: "namespace/name", or "name" when cluster-scoped. */
export function objectKey(obj: ObjectWithMeta): string {
  const name = obj.metadata?.name ?? '';
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${name}` : name;
}

/** Values an object is indexed under (e.g. its pod IPs). */
export type IndexFunc<T> = (obj: T) => readonly string[];

export type StoreChange<T> =
  | { readonly type: 'add'; readonly obj: T }
  | { readonly type: 'update'; readonly obj: T; readonly old: T }
  | { readonly type: 'delete'; readonly obj: T };

export class Store<T extends ObjectWithMeta> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  /** Adds an index; existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`index "${name}" already exists`);
    this.indexers.set(name, fn);
    this.indexes.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects whose index `name` contains `value`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index "${name}"`);
    return [...(index.get(value) ?? [])]
      .map((key) => this.items.get(key))
      .filter((o): o is T => o !== undefined);
  }

  /** Adds or replaces; returns the change (undefined when the resourceVersion did not move). */
  upsert(obj: T): StoreChange<T> | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old && sameVersion(old, obj)) return undefined;
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexOne(name, fn, key, obj);
    return old ? { type: 'update', obj, old } : { type: 'add', obj };
  }

  /** Removes by the object's key; the change carries the given (final) object. */
  remove(obj: T): StoreChange<T> | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return { type: 'delete', obj };
  }

  /** Replaces the content with a fresh list; returns the changes (deletes first, then adds/updates). */
  replace(objects: readonly T[]): Array<StoreChange<T>> {
    const fresh = new Set(objects.map(objectKey));
    const changes: Array<StoreChange<T>> = [];
    for (const [key, old] of [...this.items]) {
      if (fresh.has(key)) continue;
      const change = this.remove(old);
      if (change) changes.push(change);
    }
    for (const obj of objects) {
      const change = this.upsert(obj);
      if (change) changes.push(change);
    }
    return changes;
  }

  clear(): void {
    this.items.clear();
    for (const index of this.indexes.values()) index.clear();
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const index = this.indexes.get(name);
    if (!index) return;
    for (const value of new Set(fn(obj))) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name);
      if (!index) continue;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

function sameVersion(a: ObjectWithMeta, b: ObjectWithMeta): boolean {
  const rv = a.metadata?.resourceVersion;
  return rv !== undefined && rv !== '' && rv === b.metadata?.resourceVersion;
}
