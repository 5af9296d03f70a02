// NMI code takes time from an injected Clock (platform's port); tests drive a ManualClock.
export type { Clock } from '@pod-identity/platform';
