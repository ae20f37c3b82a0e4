/**
 * The private-call I_MESSAGEs the suite sends through the proxy (E.2, PCK).
 * A CS proxy reads their IDRkmsi and IDRkmsr (5.2.8.2.3) and holds no key
 * material to verify them, so they are made under throw-away KMSs that
 * carry the target's KMS URIs: real SAKKE and ECCSI, the URIs the policy
 * is about, nothing the vendor must provision. One KMS per URI per worker.
 */
import { buildIMessage } from '../mikey/build.ts';
import { createTestKms, initiatorMaterial, receiverMaterial, type TestKms } from '../mikey/test-domain.ts';

const kmss = new Map<string, TestKms>();
const kmsOf = (uri: string) => kmss.get(uri) ?? kmss.set(uri, createTestKms(uri)).get(uri)!;

export interface PrivateCall {
  initiatorUri: string;
  initiatorKmsUri: string;
  receiverUri: string;
  receiverKmsUri: string;
}

export function privateCallMikey(call: PrivateCall): Uint8Array {
  const now = Date.now();
  return buildIMessage({
    kind: 'pck',
    initiator: initiatorMaterial(kmsOf(call.initiatorKmsUri), call.initiatorUri, now),
    receiver: receiverMaterial(kmsOf(call.receiverKmsUri), call.receiverUri),
    time: now,
  }).bytes;
}
