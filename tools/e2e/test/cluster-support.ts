// What the cluster tier's walkthrough does the way a user would: run make and kubectl with a bound, read pods
// as JSON, curl IMDS from inside a pod, read the scale set's identities from the emulator, keep timings.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlClient } from '@pod-identity/azure-emulator';
import { pollUntil } from '@pod-identity/platform';
import { REPO_ROOT } from '../src/artifacts';
import { decodeClaims } from '../src/claims';
import { readState } from '../src/real-cluster/layout';
import { kubectl } from '../src/real-cluster/up';
import { APP_IDENTITY, VMSS_NAME } from '../src/world';

export const TOKEN_URL =
  'http://169.254.169.254/metadata/identity/oauth2/token/?resource=https://vault.azure.net';
export const SYSTEM = ['-n', 'pod-identity-system'];

export interface Finished {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
}

/** Timings of this run, kept in .local/cluster-timings.json for the docs (not in test-results: CI sums those). */
const timings: Record<string, number> = {};
export function measured(name: string, seconds: number): void {
  timings[name] = Math.round(seconds * 10) / 10;
  mkdirSync(join(REPO_ROOT, '.local'), { recursive: true });
  writeFileSync(join(REPO_ROOT, '.local', 'cluster-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
}

/** Runs a make target or the cluster CLI the way a user does, with a bound. */
export function sh(
  argv: readonly string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = {},
): Promise<Finished> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  return pollUntil(what, probe, { timeoutMs, intervalMs: 1000 });
}

export const jsonOf = async <T>(args: readonly string[]): Promise<T> =>
  JSON.parse(await kubectl([...args, '-o', 'json'])) as T;

export interface PodList {
  items: {
    metadata: { name: string; namespace: string };
    status: { podIP?: string; phase?: string };
    spec: { nodeName?: string };
  }[];
}

export async function podsOf(selector: string, namespace = 'default'): Promise<PodList['items']> {
  return (await jsonOf<PodList>(['get', 'pods', '-n', namespace, '-l', selector])).items;
}

export async function curlToken(pod: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const out = await kubectl(
    ['exec', pod, '--', 'curl', '-s', '-w', '\\n%{http_code}', '-H', 'Metadata:true', TOKEN_URL],
    60_000,
  );
  const lines = out.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) as Record<string, unknown> };
}

export function expectTokenForDemoIdentity(body: Record<string, unknown>): void {
  const claims = decodeClaims(String(body.access_token));
  expect(claims.aud).toBe('https://vault.azure.net');
  expect(String(claims.xms_mirid).toLowerCase()).toBe(APP_IDENTITY.resourceId.toLowerCase());
  expect(claims.appid).toBe(APP_IDENTITY.clientId);
}

/** The user-assigned identities on the cluster's scale set, as the emulator holds them (lower case). */
export async function vmssIdentities(): Promise<string[]> {
  const control = new ControlClient(readState()?.emulatorControl ?? '');
  const state = await control.state();
  const vmss = (state.virtualMachineScaleSets ?? []).find((s) => s.name === VMSS_NAME);
  return (vmss?.identity?.userAssigned ?? []).map((id) => id.toLowerCase());
}
