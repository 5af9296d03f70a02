import { objectKey, Store } from './store';

interface Obj {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  ips?: string[];
}

const obj = (name: string, rv: string, ips: string[] = [], namespace = 'ns'): Obj => ({
  metadata: { name, namespace, resourceVersion: rv },
  ips,
});

describe('objectKey', () => {
  it('is namespace/name, or name for cluster-scoped objects', () => {
    expect(objectKey({ metadata: { name: 'a', namespace: 'ns' } })).toBe('ns/a');
    expect(objectKey({ metadata: { name: 'node-1' } })).toBe('node-1');
  });
});

describe('Store', () => {
  it('reports add, update (with old) and no-op for the same resourceVersion', () => {
    const store = new Store<Obj>();
    expect(store.upsert(obj('a', '1'))).toEqual({ type: 'add', obj: obj('a', '1') });
    expect(store.upsert(obj('a', '1'))).toBeUndefined();
    expect(store.upsert(obj('a', '2'))).toEqual({ type: 'update', obj: obj('a', '2'), old: obj('a', '1') });
    expect(store.get('ns/a')).toEqual(obj('a', '2'));
  });

  it('removes with the final object', () => {
    const store = new Store<Obj>();
    store.upsert(obj('a', '1'));
    expect(store.remove(obj('a', '3'))).toEqual({ type: 'delete', obj: obj('a', '3') });
    expect(store.remove(obj('a', '3'))).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('replace() diffs against a fresh list', () => {
    const store = new Store<Obj>();
    store.upsert(obj('keep', '1'));
    store.upsert(obj('change', '1'));
    store.upsert(obj('gone', '1'));
    const changes = store.replace([obj('keep', '1'), obj('change', '2'), obj('new', '1')]);
    expect(changes.map((c) => `${c.type}:${c.obj.metadata.name}`)).toEqual([
      'delete:gone',
      'update:change',
      'add:new',
    ]);
    expect(store.keys().sort()).toEqual(['ns/change', 'ns/keep', 'ns/new']);
  });

  it('maintains indexes through add, update, delete and replace', () => {
    const store = new Store<Obj>();
    store.addIndex('ip', (o) => o.ips ?? []);
    store.upsert(obj('a', '1', ['10.0.0.1']));
    store.upsert(obj('b', '1', ['10.0.0.1', '10.0.0.2']));
    expect(
      store
        .byIndex('ip', '10.0.0.1')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
    store.upsert(obj('a', '2', ['10.0.0.3']));
    expect(store.byIndex('ip', '10.0.0.1').map((o) => o.metadata.name)).toEqual(['b']);
    expect(store.byIndex('ip', '10.0.0.3').map((o) => o.metadata.name)).toEqual(['a']);
    store.remove(obj('b', '2'));
    expect(store.byIndex('ip', '10.0.0.2')).toEqual([]);
    store.replace([]);
    expect(store.byIndex('ip', '10.0.0.3')).toEqual([]);
  });

  it('indexes existing objects when an index is added late; rejects duplicates and unknown names', () => {
    const store = new Store<Obj>();
    store.upsert(obj('a', '1', ['x']));
    store.addIndex('ip', (o) => o.ips ?? []);
    expect(store.byIndex('ip', 'x')).toHaveLength(1);
    expect(() => store.addIndex('ip', () => [])).toThrow(/already exists/);
    expect(() => store.byIndex('nope', 'x')).toThrow(/no index/);
  });

  it('treats objects without resourceVersion as always changed', () => {
    const store = new Store<Obj>();
    store.upsert({ metadata: { name: 'a' } });
    expect(store.upsert({ metadata: { name: 'a' } })?.type).toBe('update');
  });
});
