export { test, expect, secretsOf, TARGET_FILE_ENV } from './fixtures.ts';
export { declare, pick } from './requirements.ts';
export { Checker, type CheckScope, type TableRun } from './checker.ts';
export * from './check.ts';
export { Evidence } from './evidence.ts';
export { Redactor } from './redactor.ts';
export * from './finding.ts';
