// Public API of @pod-identity/domain: pure rules shared by MIC and NMI. Append export lines only.
export * from './exception-matching';
export * from './namespaced-rules';
export * from './identity-request-matching';
export * from './resource-id';
export * from './provider-id';
export * from './assigned-identity-name';
export * from './binding-matching';
export * from './identity-backend';
