// The flags klog (the Go logging library of the original MIC and NMI) adds to their command lines.
// Manifests and Helm values of the original pass them, so they are accepted and ignored with a
// warning: logs here are JSON lines chosen with --log-level.

/** Whether an ignored flag takes a value ("-v 2", "--log_dir /x") or is a boolean ("--logtostderr"). */
export type IgnoredFlagKind = 'boolean' | 'value';
export type IgnoredFlags = Readonly<Record<string, IgnoredFlagKind>>;

/** klog v2's flags under the names it registers (underscores; the original set no name normaliser). */
export const KLOG_FLAGS: IgnoredFlags = {
  v: 'value',
  vmodule: 'value',
  logtostderr: 'boolean',
  alsologtostderr: 'boolean',
  stderrthreshold: 'value',
  log_dir: 'value',
  log_file: 'value',
  log_file_max_size: 'value',
  log_backtrace_at: 'value',
  add_dir_header: 'boolean',
  skip_headers: 'boolean',
  skip_log_headers: 'boolean',
  one_output: 'boolean',
};
