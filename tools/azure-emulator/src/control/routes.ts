// The control API (plain http on loopback, apart from the Azure paths): state, faults, counters, options, log.
import { parse as parseYaml } from 'yaml';
import type { EmulatorCore } from '../core';
import type { EmuResponse } from '../http/types';
import { mergeRuntimeOptions } from '../options';
import { SeedError } from '../state/seed-check';
import { snapshotState } from '../state/snapshot';

export interface ControlRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string;
  readonly body: string;
}

/** What the control API needs from the running emulator besides the core. */
export interface ControlHooks {
  seed(doc: unknown, replace: boolean): Promise<void>;
  nodes(): unknown[];
  requests(limit: number): unknown[];
  urls(): Record<string, unknown>;
}

const ok = (json: unknown, status = 200): EmuResponse => ({ status, json });
const bad = (message: string, status = 400): EmuResponse => ({ status, json: { error: message } });

function parseBody(req: ControlRequest): unknown {
  if (req.body.trim() === '') return {};
  return /yaml/i.test(req.contentType) ? parseYaml(req.body) : JSON.parse(req.body);
}

type Handler = (
  core: EmulatorCore,
  hooks: ControlHooks,
  req: ControlRequest,
  param?: string,
) => Promise<EmuResponse> | EmuResponse;

const ROUTES: [string, RegExp, Handler][] = [
  ['GET', /^\/healthz$/, () => ok({ ok: true })],
  ['GET', /^\/urls$/, (_c, hooks) => ok(hooks.urls())],
  ['GET', /^\/state$/, (core) => ok(snapshotState(core.state))],
  [
    'POST',
    /^\/state\/seed$/,
    async (_c, hooks, req) => {
      await hooks.seed(parseBody(req), false);
      return ok({ seeded: true });
    },
  ],
  [
    'PUT',
    /^\/state$/,
    async (_c, hooks, req) => {
      await hooks.seed(parseBody(req), true);
      return ok({ replaced: true });
    },
  ],
  ['GET', /^\/nodes$/, (_c, hooks) => ok(hooks.nodes())],
  ['GET', /^\/faults$/, (core) => ok(core.faults.list())],
  ['POST', /^\/faults$/, (core, _h, req) => ok(core.faults.add(parseBody(req)), 201)],
  [
    'DELETE',
    /^\/faults$/,
    (core) => {
      core.faults.clear();
      return ok({ cleared: true });
    },
  ],
  [
    'DELETE',
    /^\/faults\/([^/]+)$/,
    (core, _h, _r, id) => (core.faults.remove(id ?? '') ? ok({ removed: id }) : bad(`no fault ${id}`, 404)),
  ],
  ['GET', /^\/counters$/, (core) => ok(core.counters.snapshot())],
  [
    'DELETE',
    /^\/counters$/,
    (core) => {
      core.counters.reset();
      return ok({ reset: true });
    },
  ],
  ['GET', /^\/options$/, (core) => ok(core.options)],
  [
    'PATCH',
    /^\/options$/,
    (core, _h, req) => {
      core.options = mergeRuntimeOptions(core.options, parseBody(req));
      core.throttler.configure(core.options.throttling);
      return ok(core.options);
    },
  ],
  ['GET', /^\/requests$/, (_c, hooks, req) => ok(hooks.requests(Number(req.query.get('limit') ?? 100)))],
];

export async function handleControl(
  core: EmulatorCore,
  hooks: ControlHooks,
  req: ControlRequest,
): Promise<EmuResponse> {
  const path = req.path.replace(/\/+$/, '') || '/';
  for (const [method, pattern, handler] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    if (method !== req.method) continue;
    try {
      return await handler(core, hooks, req, match[1]);
    } catch (err) {
      const problems = err instanceof SeedError ? err.problems : undefined;
      return { status: 400, json: { error: (err as Error).message, ...(problems ? { problems } : {}) } };
    }
  }
  return bad(`no control endpoint ${req.method} ${path}`, 404);
}
