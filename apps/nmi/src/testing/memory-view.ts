// An ObjectView held in memory, for unit tests of code that reads views (production reads the
// informers' stores, kube/informer-view.ts).
import type { ObjectView } from '../identity/views';
import { ChangeSignal } from '../util/change-signal';

interface Meta {
  readonly metadata?: { readonly namespace?: string; readonly name?: string };
}

const keyOf = (obj: Meta): string => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

export class MemoryView<T extends Meta> implements ObjectView<T> {
  private readonly items = new Map<string, T>();
  readonly changed = new ChangeSignal();

  constructor(private readonly indexes: Readonly<Record<string, (obj: T) => readonly string[]>> = {}) {}

  upsert(obj: T): void {
    this.items.set(keyOf(obj), obj);
    this.changed.notify();
  }

  remove(obj: Meta): void {
    this.items.delete(keyOf(obj));
    this.changed.notify();
  }

  get(namespace: string, name: string): T | undefined {
    return this.items.get(`${namespace}/${name}`);
  }

  byIndex(index: string, value: string): T[] {
    const fn = this.indexes[index];
    if (!fn) throw new Error(`no index "${index}"`);
    return this.list().filter((o) => fn(o).includes(value));
  }

  list(): T[] {
    return [...this.items.values()];
  }
}
