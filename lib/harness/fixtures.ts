/**
 * The one fixtures module: suites import `test` and `expect` from here, never
 * from @playwright/test, and meet the system under test only through these
 * fixtures. The runner names the target file in MCX_TARGET_FILE; whether it
 * describes a vendor's system or the embedded reference domain, the suites
 * cannot tell.
 */
import { test as base, expect } from '@playwright/test';
import { loadTargetFile } from '../target/load.ts';
import type { Target } from '../target/types.ts';
import type { IcsFeature } from '../target/ics.ts';
import { HttpClient } from '../http/client.ts';
import { Checker } from './checker.ts';
import { Evidence } from './evidence.ts';
import { Redactor } from './redactor.ts';
import { COMPLETED_ANNOTATION, NOT_APPLICABLE_ANNOTATION, REQUIREMENT_ANNOTATION } from './finding.ts';
import { loadCatalog } from '../requirements/catalog.ts';
import { checkScope, rolesFromEnv } from './scope.ts';
import type { CheckScope } from './checker.ts';

export const TARGET_FILE_ENV = 'MCX_TARGET_FILE';

export interface ConformanceFixtures {
  /** Records findings; a failed finding fails the test at teardown. */
  verify: Checker;
  evidence: Evidence;
  /** HTTP client with the target's TLS settings; every exchange becomes evidence. */
  http: HttpClient;
  /** Skips the test as not-applicable unless the ICS claims the feature. */
  requireIcs: (feature: IcsFeature) => void;
}

export interface ConformanceWorkerFixtures {
  target: Target;
  redactor: Redactor;
  /** Which requirements this run judges (roles under test, ICS). */
  scope: CheckScope;
  /**
   * Set only by negative-control runs (a project option): test a reference
   * domain started in the worker with these fault switches, and run only the
   * tests naming one of `onlyRequirements`.
   */
  mcxControl: ControlOption | undefined;
}

export interface ControlOption {
  faults: string[];
  /** Roles under test in this control run (default: every role). */
  roles?: string[];
  onlyRequirements?: string[];
  /**
   * A target file of a reference domain already started (with `faults`) by
   * the negative-control test, and the values of its secret references;
   * without it the worker starts the domain itself.
   */
  targetFile?: string;
  secretEnv?: Record<string, string>;
}

interface AutoFixtures {
  controlFilter: void;
}

export const test = base.extend<ConformanceFixtures & AutoFixtures, ConformanceWorkerFixtures>({
  mcxControl: [undefined, { scope: 'worker', option: true }],
  controlFilter: [
    async ({ mcxControl }, use, testInfo) => {
      const only = mcxControl?.onlyRequirements;
      if (only && !testInfo.annotations.some((a) => a.type === REQUIREMENT_ANNOTATION && only.includes(a.description ?? ''))) {
        testInfo.skip(true, 'negative control: this test names none of the requirements under control');
      }
      await use();
    },
    { auto: true },
  ],
  target: [
    async ({ mcxControl }, use) => {
      if (mcxControl?.targetFile) {
        await use(loadTargetFile(mcxControl.targetFile, { ...process.env, ...mcxControl.secretEnv }));
        return;
      }
      if (mcxControl) {
        const { startControlTarget } = await import('./control-target.ts');
        const control = await startControlTarget(mcxControl.faults);
        try {
          await use(control.target);
        } finally {
          await control.stop();
        }
        return;
      }
      const file = process.env[TARGET_FILE_ENV];
      if (!file) throw new Error(`${TARGET_FILE_ENV} is not set: run the suites through 'mcx-conformance run'`);
      await use(loadTargetFile(file));
    },
    { scope: 'worker' },
  ],
  redactor: [
    async ({ target }, use) => {
      await use(new Redactor(secretsOf(target)));
    },
    { scope: 'worker' },
  ],
  scope: [
    async ({ target, mcxControl }, use) => {
      await use(checkScope(loadCatalog(), target.ics, mcxControl?.roles ?? rolesFromEnv()));
    },
    { scope: 'worker' },
  ],
  verify: async ({ redactor, scope, mcxControl }, use, testInfo) => {
    const checker = new Checker(testInfo, redactor, { scope, failTests: !mcxControl });
    await use(checker);
    // Still 'passed' here: the body and every fixture torn down before this one ended without an exception.
    if (testInfo.status === 'passed') testInfo.annotations.push({ type: COMPLETED_ANNOTATION, description: 'the test body ran to its end' });
    await checker.flush();
    const failed = checker.failed();
    if (failed.length > 0 && checker.failsTests && (testInfo.status === 'passed' || testInfo.status === 'skipped')) {
      throw new Error(`${failed.length} check(s) failed: ${failed.map((f) => `${f.requirement} ${f.check}`).join('; ')}`);
    }
  },
  evidence: async ({ redactor }, use, testInfo) => {
    const evidence = new Evidence(testInfo, redactor);
    await use(evidence);
    await evidence.flush();
  },
  http: async ({ target, evidence }, use) => {
    let n = 0;
    const client = new HttpClient({
      caPem: target.tls.caPem,
      verify: target.tls.verify,
      onExchange: (req, res) => {
        n += 1;
        evidence.record('http', `${String(n).padStart(2, '0')} ${req.method} ${req.url}`, {
          request: { method: req.method, url: req.url, headers: req.headers, body: req.rawBody },
          response: res.ok ? { status: res.status, headers: res.headers, body: res.bodyText.slice(0, 20_000), truncated: res.truncated } : { error: res.error },
          durationMs: res.durationMs,
        });
      },
    });
    await use(client);
    await client.close();
  },
  requireIcs: async ({ target }, use, testInfo) => {
    await use((feature) => {
      if (target.ics[feature] !== true) {
        testInfo.annotations.push({ type: NOT_APPLICABLE_ANNOTATION, description: `ICS does not claim ${feature}` });
        base.skip(true, `not-applicable: ICS does not claim ${feature}`);
      }
    });
  },
});

export { expect };

/** Every secret value in the target, so reports can never carry one. */
export function secretsOf(target: Target): string[] {
  const out: string[] = [];
  for (const u of target.idms?.users ?? []) out.push(u.password);
  out.push(target.idms?.clientSecret ?? '', target.partnerIdms?.clientSecret ?? '');
  out.push(target.idms?.expiredAccessToken ?? '', target.partnerIdms?.expiredAssertion ?? '');
  out.push(target.gms?.revocation?.trigger.authorization ?? '');
  out.push(target.kms?.wrongAudienceAccessToken ?? '', target.mcxServer?.wrongAudienceAccessToken ?? '');
  for (const k of [target.kms?.trk, target.kms?.ink]) if (k) out.push(k.keyHex, Buffer.from(k.keyHex, 'hex').toString('base64'));
  return out.filter(Boolean);
}
