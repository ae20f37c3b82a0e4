/** File names in a report directory that the runner reads back. */
export const RESULTS_FILE = 'results.json';
export const RUN_ERRORS_FILE = 'run-errors.json';
