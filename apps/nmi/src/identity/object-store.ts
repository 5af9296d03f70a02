// An in-memory copy of one kind of Kubernetes object, fed by an informer, with one optional secondary
// index. Every change wakes the waiters of `changed`.
import { ChangeSignal } from '../util/change-signal';

export interface Meta {
  readonly metadata?: { readonly namespace?: string; readonly name?: string };
}

export function objectKey(obj: Meta): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export class ObjectStore<T extends Meta> {
  private readonly items = new Map<string, T>();
  private readonly index = new Map<string, Set<string>>();
  private readonly indexKeys = new Map<string, string>();
  readonly changed = new ChangeSignal();

  constructor(private readonly indexBy?: (obj: T) => string | undefined) {}

  upsert(obj: T): void {
    this.drop(objectKey(obj));
    this.put(obj);
    this.changed.notify();
  }

  remove(obj: T): void {
    this.drop(objectKey(obj));
    this.changed.notify();
  }

  get(namespace: string, name: string): T | undefined {
    return this.items.get(`${namespace}/${name}`);
  }

  byIndex(value: string): T[] {
    return [...(this.index.get(value) ?? [])].map((k) => this.items.get(k)).filter((o): o is T => o !== undefined);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  private put(obj: T): void {
    const key = objectKey(obj);
    this.items.set(key, obj);
    const indexValue = this.indexBy?.(obj);
    if (indexValue === undefined) return;
    this.indexKeys.set(key, indexValue);
    let keys = this.index.get(indexValue);
    if (!keys) this.index.set(indexValue, (keys = new Set()));
    keys.add(key);
  }

  private drop(key: string): void {
    this.items.delete(key);
    const indexValue = this.indexKeys.get(key);
    if (indexValue === undefined) return;
    this.indexKeys.delete(key);
    const keys = this.index.get(indexValue);
    keys?.delete(key);
    if (keys && keys.size === 0) this.index.delete(indexValue);
  }
}
