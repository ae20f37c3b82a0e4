import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultSet } from './fault.ts';
import { checkFaultNames } from './faults.ts';
import { createServerTls } from './tls.ts';
import { startIdmsPair } from './idms/index.ts';
import { startKms } from './kms/index.ts';
import { startSipDomain } from './sip/index.ts';
import { DEFAULT_BEHAVIOUR, type ReferenceBehaviour, type RunningComponent } from './component.ts';

/**
 * The embedded reference MCX domain: IdMS, partner IdMS, KMS, SIP core and
 * MCX server on 127.0.0.1, with fault switches. `mcx-conformance run` without --target
 * starts it and tests it; `mcx-conformance reference` starts it by hand.
 */
export interface ReferenceDomainOptions {
  faults?: string[];
  /** Configuration the domain claims in its ICS (default: no consent page). */
  behaviour?: Partial<ReferenceBehaviour>;
}

export interface ReferenceDomain {
  /** A complete target file (YAML form) describing the running domain. */
  targetDocument: Record<string, unknown>;
  /** Values for the `{ env: NAME }` references in targetDocument. */
  secretEnv: Record<string, string>;
  endpoints: Record<string, string>;
  faults: FaultSet;
  workDir: string;
  stop(): Promise<void>;
}

export class UnknownFaultError extends Error {}

export async function startReferenceDomain(options: ReferenceDomainOptions = {}): Promise<ReferenceDomain> {
  const unknown = checkFaultNames(options.faults ?? []);
  if (unknown.length) throw new UnknownFaultError(`unknown fault switch(es): ${unknown.join(', ')} (see 'mcx-conformance reference --list-faults')`);
  const faults = new FaultSet(options.faults);
  const workDir = mkdtempSync(join(tmpdir(), 'mcx-reference-'));
  const tls = await createServerTls(workDir);
  const ctx = { host: '127.0.0.1' as const, tls, faults, workDir, behaviour: { ...DEFAULT_BEHAVIOUR, ...options.behaviour } };
  const started: RunningComponent[] = [];
  const stop = async () => {
    for (const c of started.reverse()) await c.stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const idms = await startIdmsPair(ctx);
    started.push(...idms.components);
    const kms = await startKms(ctx, idms.kmsTrust);
    started.push(kms);
    if (idms.kmsTrust) {
      const users = ((idms.components[0]?.target.idms as { users?: Array<{ label: string; mcpttId?: string }> } | undefined)?.users ?? []).map((u) => ({ label: u.label, mcpttId: u.mcpttId ?? '' }));
      started.push(await startSipDomain(ctx, idms.kmsTrust, users));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const targetDocument: Record<string, unknown> = {
    name: faults.names().length ? `reference domain (faults: ${faults.names().join(', ')})` : 'reference domain',
    tls: { caPem: tls.caPem, verify: true },
    ics: Object.assign({}, ...started.map((c) => c.ics)),
  };
  for (const c of started) Object.assign(targetDocument, c.target);
  return {
    targetDocument,
    secretEnv: Object.assign({}, ...started.map((c) => c.secretEnv)),
    endpoints: Object.assign({}, ...started.map((c) => c.endpoints)),
    faults,
    workDir,
    stop,
  };
}
