/**
 * The test object every conformance suite extends: the harness fixtures and
 * the idms suites' worker session (lib/oidc/suite-fixtures.ts). Playwright
 * gives tests one worker only when their worker fixtures are the same, so
 * one set for all suites lets a single worker run the tests of several
 * suites: a negative-control project (one fault, every suite that can see
 * it) then starts one worker process, not one per suite. A worker fixture
 * a suite does not use is never set up.
 */
export { test, expect } from '../oidc/suite-fixtures.ts';
