// Composition root of the MIC image: argv, environment and signals go to the CLI; its code is the exit code.
import { runMain } from '@pod-identity/platform';
import { runMic } from './cli';

runMain('mic', runMic);
