// Last-resort cleanup for everything the demo and the e2e tier start: child processes, network
// namespaces and work directories. Two safety nets behind the normal stop()/afterAll:
// - in-process: the `exit` event (the demo turns Ctrl-C into a graceful stop and then an exit);
// - a detached reaper process that watches this one and cleans up after it when it dies without running
//   its exit hooks (SIGKILL, or jest, whose sandboxed `process.on` never sees the real exit).
// The reaper reads the current list from a small JSON file that every change rewrites.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Resource =
  /** A process, killed only if its command line still contains `match` (pids get reused). */
  | { readonly kind: 'process'; readonly pid: number; readonly match: string }
  | { readonly kind: 'netns'; readonly name: string }
  | { readonly kind: 'dir'; readonly path: string };

const ORDER: Record<Resource['kind'], number> = { process: 0, netns: 1, dir: 2 };

/** Processes first, then namespaces, then directories (pure). */
export function cleanupOrder(resources: readonly Resource[]): Resource[] {
  return [...resources].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
}

function release(r: Resource): void {
  try {
    if (r.kind === 'process') {
      if (readFileSync(`/proc/${r.pid}/cmdline`, 'utf8').includes(r.match)) process.kill(r.pid, 'SIGKILL');
    } else if (r.kind === 'netns') {
      execFileSync('ip', ['netns', 'delete', r.name], { stdio: 'ignore', timeout: 10_000 });
    } else {
      rmSync(r.path, { recursive: true, force: true });
    }
  } catch {
    // already gone
  }
}

// The reaper, as plain JavaScript for `node -e` (argv: parent pid, list file). Same rules as release().
const REAPER = `
const fs = require('node:fs'), cp = require('node:child_process');
const [parent, file] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const order = { process: 0, netns: 1, dir: 2 };
const timer = setInterval(() => {
  if (alive(Number(parent))) return;
  clearInterval(timer);
  let list = [];
  try { list = JSON.parse(fs.readFileSync(file, 'utf8')); } catch {}
  list.sort((a, b) => order[a.kind] - order[b.kind]);
  for (const r of list) {
    try {
      if (r.kind === 'process') { if (fs.readFileSync('/proc/' + r.pid + '/cmdline', 'utf8').includes(r.match)) process.kill(r.pid, 'SIGKILL'); }
      else if (r.kind === 'netns') cp.execFileSync('ip', ['netns', 'delete', r.name], { stdio: 'ignore', timeout: 10000 });
      else fs.rmSync(r.path, { recursive: true, force: true });
    } catch {}
  }
  fs.rmSync(file, { force: true });
}, 500);
`;

const resources = new Set<Resource>();
const listFile = join(tmpdir(), `pi-e2e-reaper-${process.pid}.json`);
let installed = false;

function persist(): void {
  writeFileSync(listFile, JSON.stringify([...resources]));
}

function releaseAll(): void {
  for (const r of cleanupOrder([...resources])) release(r);
  resources.clear();
  rmSync(listFile, { force: true });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', releaseAll);
  persist();
  const reaper = spawn(process.execPath, ['-e', REAPER, String(process.pid), listFile], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
}

/** Registers something to clean up if its owner does not; returns the function that unregisters it. */
export function track(resource: Resource): () => void {
  install();
  resources.add(resource);
  persist();
  return () => {
    if (resources.delete(resource)) persist();
  };
}
