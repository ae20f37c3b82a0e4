export { test, expect, secretsOf, TARGET_FILE_ENV } from './fixtures.ts';
export { requirements } from './requirements.ts';
export { Checker } from './checker.ts';
export { Evidence } from './evidence.ts';
export { Redactor } from './redactor.ts';
export * from './finding.ts';
