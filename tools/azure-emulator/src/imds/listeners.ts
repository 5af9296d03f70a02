// One IMDS listener per simulated node that asks for one; started and stopped as nodes come and go.
import type { ServeContext, Listener } from '../http/serve';
import { startListener } from '../http/serve';
import { parseListenAddress } from '../http/listen-address';
import type { EmulatorState } from '../state/store';

export class NodeImdsListeners {
  private readonly listeners = new Map<string, { listen: string; listener: Listener }>();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  readonly errors: string[] = [];

  constructor(
    private readonly state: EmulatorState,
    private readonly ctx: ServeContext,
  ) {}

  url(nodeKey: string): string | undefined {
    return this.listeners.get(nodeKey)?.listener.url;
  }

  /** Queues a reconciliation; the returned promise settles when it (and earlier ones) are done. */
  sync(): Promise<void> {
    this.chain = this.chain.then(() => this.reconcile());
    return this.chain;
  }

  private async reconcile(): Promise<void> {
    if (this.closed) return;
    const wanted = new Map(
      this.state
        .nodes()
        .filter((n) => n.network.imdsListen !== null)
        .map((n) => [n.key, n.network.imdsListen as string]),
    );
    for (const [key, entry] of [...this.listeners]) {
      if (wanted.get(key) !== entry.listen) {
        this.listeners.delete(key);
        await entry.listener.close();
      }
    }
    for (const [key, listen] of wanted) {
      if (this.listeners.has(key)) continue;
      try {
        const listener = await startListener(this.ctx, {
          address: parseListenAddress(listen),
          nodeKey: key,
          resolveNode: (k) => this.state.node(k),
        });
        this.listeners.set(key, { listen, listener });
      } catch (err) {
        this.errors.push(`IMDS listener for ${key} on ${listen}: ${(err as Error).message}`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((e) => e.listener.close()));
  }
}
