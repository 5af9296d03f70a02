// Entry of the kubectl-pod_identity executable (tools/scripts/bundle.mjs adds the #! line).
import { runMain } from '@pod-identity/platform';
import { runCli } from './cli';

runMain('kubectl-pod_identity', (input) => runCli(input));
