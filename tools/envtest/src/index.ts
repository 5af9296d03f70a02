export { binDir, locateBinaries, readVersions, type Binaries, type EnvtestVersions } from './binaries';
export {
  startControlPlane,
  tokenFileText,
  type StaticToken,
  type ControlPlane,
  type ControlPlaneOptions,
  type ControlPlanePorts,
} from './control-plane';
export {
  BinariesMissingError,
  EnvtestError,
  PortInUseError,
  ProcessExitedError,
  StartupTimeoutError,
} from './errors';
export { makeKubeConfig, writeKubeconfig } from './kubeconfig';
export { killGroup, ServerProcess, formatLogTail } from './process';
export { freePorts, assertPortFree } from './ports';
export {
  requestServiceAccountToken,
  serviceAccountKubeConfig,
  type ServiceAccountTokenOptions,
} from './service-account';
export { ENVTEST_KUBECONFIG, envtestKubeConfig } from './jest/env';
export { createTestNamespace, testNamespace, type TestNamespace } from './jest/test-namespace';
export { defaultCrdDir, installCrds, readCrds } from './crds';
export {
  serviceAccountIssuer,
  trustServiceAccountIssuer,
  type IssuerRegistry,
  type ServiceAccountIssuer,
} from './issuer';
