/**
 * Opening, recording and closing the two sides of a KRR path (scenarios.ts)
 * from a proxy suite's target section: what the suites' fixtures share.
 */
import { recordSipDialogue } from '../harness/sip-evidence.ts';
import type { Evidence } from '../harness/evidence.ts';
import type { EntryFailure } from '../sip/index.ts';
import type { KrrPath, Party } from './scenarios.ts';
import { PathSide, type ProxyEntry } from './side.ts';

export interface SideSpec {
  /** User part of the side's Contact. */
  name: string;
  /** What the side is, in the SIP evidence. */
  label: string;
  /** The proxy entry point the side sends to, and its label. */
  entry: ProxyEntry;
  entryLabel: string;
  field: string;
  /** Where the side listens (the proxy's next hop), when it is not an ephemeral client. */
  listen?: { address: string; port: number; field: string };
}

export interface PathSpec {
  near: SideSpec;
  far: SideSpec;
  user: Party;
  peer: Party;
  kms: { acceptable: string[]; unacceptable: string };
  krrSigner?: { keyPem: string; certPem: string };
}

export async function openKrrPath(spec: PathSpec, caPem: string | undefined): Promise<KrrPath | EntryFailure> {
  const near = await PathSide.open(spec.near.name, spec.near.entry, spec.near.field, caPem, spec.near.listen);
  if (!(near instanceof PathSide)) return near;
  const far = await PathSide.open(spec.far.name, spec.far.entry, spec.far.field, caPem, spec.far.listen);
  if (!(far instanceof PathSide)) {
    await near.close();
    return far;
  }
  return { near, far, user: spec.user, peer: spec.peer, acceptable: spec.kms.acceptable, unacceptable: spec.kms.unacceptable, ...(spec.krrSigner ? { signer: spec.krrSigner } : {}) };
}

/** Records both sides' SIP messages, in time order, as one dialogue; then closes them. */
export async function recordAndClose(path: KrrPath, spec: PathSpec, evidence: Evidence, title: string): Promise<void> {
  const at = (e: { address: string; port: number }) => `${e.address}:${e.port}`;
  const names: Record<string, string> = {
    [at(path.near.channel.local)]: spec.near.label,
    [at(path.far.channel.local)]: spec.far.label,
    [at(spec.near.entry)]: spec.near.entryLabel,
    [at(spec.far.entry)]: spec.far.entryLabel,
  };
  recordSipDialogue(evidence, `SIP: ${title}`, [...path.near.channel.records, ...path.far.channel.records].sort((a, b) => a.at - b.at), names);
  await path.near.close();
  await path.far.close();
}
