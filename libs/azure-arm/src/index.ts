// Public API of @pod-identity/azure-arm: the ARM VM/VMSS identity adapter and its credentials.
export * from './types';
export * from './identity-patch';
export * from './errors';
export * from './compute-identity-client';
export * from './cloud-config';
export * from './cloud-environment';
export * from './credential';
export * from './federated-credential-client';
