// Re-reads the cloud config (azure.json) when the file changes and hands the new configuration over;
// an invalid file is reported and the previous configuration kept.
import type { Logger } from '@pod-identity/platform';
import { loadCloud, type MicConfig } from './config';

export interface CloudWatchDeps {
  readonly config: MicConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
  /** Calls `onChange` whenever the file changes; returns a function that stops watching. */
  readonly watch: (path: string, onChange: () => void) => () => void;
  readonly apply: (next: MicConfig) => void;
  readonly logger: Pick<Logger, 'info' | 'error'>;
}

/** Starts watching when a cloud config file is used; returns the function that stops it. */
export function watchCloudConfig(deps: CloudWatchDeps): () => void {
  const path = deps.config.cloudConfigPath;
  if (!path) return () => undefined;
  return deps.watch(path, () => {
    try {
      const { cloud, environment } = loadCloud({ env: deps.env, readFile: deps.readFile }, path);
      deps.apply({ ...deps.config, cloud, environment });
      deps.logger.info({ path }, 'cloud config changed; ARM client rebuilt');
    } catch (err) {
      deps.logger.error({ err, path }, 'cloud config changed but is invalid; keeping the previous one');
    }
  });
}
