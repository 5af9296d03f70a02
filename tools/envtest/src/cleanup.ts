import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killGroup } from './process';

/**
 * Last-resort cleanup for control planes that were not stopped: on normal exit, on SIGINT/SIGTERM/SIGHUP
 * and on an uncaught exception of this process, every registered process group is killed and its
 * work directory removed. A SIGKILLed parent runs no hooks, so a detached reaper process watches the
 * parent as well (see startReaper).
 */
export interface CleanupEntry {
  /** Current process-group ids (changes when a server restarts). */
  pgids(): number[];
  readonly workDir: string;
}

const entries = new Set<CleanupEntry>();
let installed = false;

function cleanupAllSync(): void {
  for (const entry of entries) {
    for (const pgid of entry.pgids()) killGroup(pgid, 'SIGKILL');
    rmSync(entry.workDir, { recursive: true, force: true });
  }
  entries.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupAllSync();
  // Keep the default behaviour (terminate) when nobody else handles this signal.
  if (process.listenerCount(signal) <= 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

export function registerCleanup(entry: CleanupEntry): () => void {
  install();
  entries.add(entry);
  return () => entries.delete(entry);
}

/** File in the work dir that the reaper re-reads to learn the current process groups. */
export function pidFile(workDir: string): string {
  return join(workDir, 'pgids.json');
}

export function writePidFile(workDir: string, pgids: number[]): void {
  writeFileSync(pidFile(workDir), JSON.stringify(pgids));
}

// Runs in a separate, detached node process: polls the parent; once the parent is gone, kills the
// process groups listed in the pid file and removes the work dir. Exits by itself when the work dir
// disappears (the normal stop path removes it).
const reaperSource = `
const fs = require('node:fs');
const [parentPid, workDir, pidFile] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (!fs.existsSync(workDir)) { clearInterval(timer); return; }
  if (alive(Number(parentPid))) return;
  let pgids = [];
  try { pgids = JSON.parse(fs.readFileSync(pidFile, 'utf8')); } catch {}
  for (const pgid of pgids) { try { process.kill(-pgid, 'SIGKILL'); } catch {} }
  fs.rmSync(workDir, { recursive: true, force: true });
  clearInterval(timer);
}, 500);
`;

/** Starts the watchdog described above for a control plane owned by this process. */
export function startReaper(workDir: string): void {
  const child = spawn(
    process.execPath,
    ['-e', reaperSource, String(process.pid), workDir, pidFile(workDir)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  child.unref();
}
