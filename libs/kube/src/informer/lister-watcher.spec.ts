import type { KubeHttp, KubeRequest } from '../http/kube-http';
import { httpListerWatcher } from './lister-watcher';

interface Item {
  readonly name: string;
  readonly bulk?: string;
}

/** Serves a collection in pages of `size`, recording each request's query. */
function pagedServer(
  items: Item[],
  size: number,
): { http: KubeHttp; queries: Array<Record<string, unknown>> } {
  const queries: Array<Record<string, unknown>> = [];
  const request = async (req: KubeRequest): Promise<unknown> => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    queries.push(query);
    const start = Number(query.continue ?? 0);
    const next = start + size;
    return {
      items: items.slice(start, next),
      metadata: { resourceVersion: '42', continue: next < items.length ? String(next) : '' },
    };
  };
  return { http: { request } as unknown as KubeHttp, queries };
}

describe('httpListerWatcher.list', () => {
  const items = Array.from({ length: 5 }, (_, i) => ({ name: `o${i}`, bulk: 'x'.repeat(100) }));

  it('follows continue tokens with the page size as limit and returns every item and the list resourceVersion', async () => {
    const { http, queries } = pagedServer(items, 2);
    const lw = httpListerWatcher<Item>(http, { path: '/things', pageSize: 2, labelSelector: 'a=b' });
    const result = await lw.list(new AbortController().signal);
    expect(result.items.map((i) => i.name)).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    expect(result.resourceVersion).toBe('42');
    expect(queries.map((q) => [q.limit, q.continue, q.labelSelector])).toEqual([
      [2, undefined, 'a=b'],
      [2, '2', 'a=b'],
      [2, '4', 'a=b'],
    ]);
  });

  it('hands each page to keep as it arrives and keeps only what keep returns', async () => {
    const { http, queries } = pagedServer(items, 2);
    const lw = httpListerWatcher<Item>(http, { path: '/things', pageSize: 2 });
    const pages: Array<{ names: string[]; requestsSoFar: number }> = [];
    const result = await lw.list(new AbortController().signal, (page) => {
      pages.push({ names: page.map((i) => i.name), requestsSoFar: queries.length });
      return page.filter((i) => i.name !== 'o3').map((i) => ({ name: i.name }));
    });
    // Page k is kept before page k+1 is requested: raw pages are not accumulated.
    expect(pages).toEqual([
      { names: ['o0', 'o1'], requestsSoFar: 1 },
      { names: ['o2', 'o3'], requestsSoFar: 2 },
      { names: ['o4'], requestsSoFar: 3 },
    ]);
    expect(result.items).toEqual([{ name: 'o0' }, { name: 'o1' }, { name: 'o2' }, { name: 'o4' }]);
  });
});
