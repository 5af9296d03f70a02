export { scanForLeaks, type LeakFinding } from './leak-scan';
export { RETRYABLE_STATUSES, Tally, type RequestOutcome, type TallyFigures } from './tally';
