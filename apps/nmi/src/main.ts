// Composition root of the NMI image: argv, environment and signals go to the CLI; its code is the exit code.
import { runMain } from '@pod-identity/platform';
import { runNmi } from './cli';

runMain('nmi', runNmi);
