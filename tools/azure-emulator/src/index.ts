// Public API of @pod-identity/azure-emulator.
export { startAzureEmulator, type AzureEmulator, type AzureEmulatorOptions } from './emulator';
export { ControlClient, ControlClientError, type NodeInfo } from './control/client';
export type { CountersSnapshot } from './counters';
export type { FaultAction, FaultMatch, FaultRule, FaultRuleInput, ServiceName } from './faults/rules';
export {
  defaultRuntimeOptions,
  realisticRuntimeOptions,
  type EmulatorRuntimeOptions,
  type RuntimeOptionsPatch,
} from './options';
export type * from './state/seed-types';
export { SeedError } from './state/seed-check';
export { scaleSetComputerName } from './state/seed';
export { loadSeedFile } from './seed-file';
export {
  generateClientCertificate,
  generateTlsMaterial,
  type KeyAndCert,
  type TlsMaterial,
} from './tls/certs';
export type { RequestLogEntry } from './http/types';
export { formatRequestLine } from './log-format';
