// Public API of @pod-identity/kube.
export {
  kubeConfigOrHint,
  loadKubeConfig,
  KubeConfigError,
  type LoadKubeConfigOptions,
  SERVICE_ACCOUNT_DIR,
} from './config/load-kube-config';
export type { KubeCredentials, LoadedKubeConfig } from './config/kube-credentials';
export {
  KubeHttp,
  type KubeHttpOptions,
  type KubeRequest,
  type Query,
  type StreamHandle,
  type StreamCallbacks,
} from './http/kube-http';
export {
  KubeApiError,
  KubeTransportError,
  type KubeStatus,
  statusCodeOf,
  isNotFound,
  isConflict,
  isAlreadyExists,
  isGone,
  isForbidden,
  isRetryable,
} from './http/errors';
export {
  Informer,
  type InformerOptions,
  type InformerLogger,
  type AddHandler,
  type UpdateHandler,
  type DeleteHandler,
  type ErrorHandler,
} from './informer/informer';
export {
  httpListerWatcher,
  type ListerWatcher,
  type ListResult,
  type WatchEvent,
  type WatchEventType,
  type WatchCallbacks,
  type WatchOptions,
  type ResourceSelectors,
  type HttpListerWatcherOptions,
} from './informer/lister-watcher';
export { Store, objectKey, type IndexFunc, type ObjectWithMeta, type StoreChange } from './informer/store';
export {
  podInformer,
  nodeInformer,
  crdInformer,
  type PodInformerOptions,
  type CrdInformerOptions,
  type InformerTuning,
} from './informer/factories';
export {
  CrdClient,
  crdClients,
  crdPath,
  type CrdClients,
  type CrdObjects,
  type JsonPatchOperation,
  type ListOptions,
  type DeleteOptions,
} from './crd/crd-client';
export { LeaderElector, type LeaderElectorOptions, type ElectionLogger } from './leader/leader-elector';
export { HttpLeaseStore, microTime, type Lease, type LeaseSpec, type LeaseStore } from './leader/lease-store';
export {
  EventRecorder,
  type EventRecorderOptions,
  type EventType,
  type ObjectReference,
} from './events/event-recorder';
export { HttpEventSink, type EventSink, type KubeEvent } from './events/event-sink';
export { FakeListerWatcher } from './testing/fake-lister-watcher';
