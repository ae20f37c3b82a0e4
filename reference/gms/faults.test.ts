import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIMessage } from '../../lib/mikey/codec.ts';
import { IdRole } from '../../lib/mikey/constants.ts';
import { verifyIMessage } from '../../lib/mikey/verify.ts';
import { FaultSet } from '../fault.ts';
import { provisionInProcess } from '../kms/in-process-provisioning.ts';
import { GMS_FAULTS } from './faults.ts';
import { gmkMessageFor, newGroupKey } from './gmk-message.ts';

/**
 * Each fault of the GMK message (reference/gms/gmk-message.ts) changes
 * what its description says and nothing else a member reads: the message
 * to alice is verified with her key set, with and without the fault, and
 * the two readings differ in the expected fields only.
 */
const GMS = 'sip:gms@mcx.reference.test';
const OTHER = 'sip:other-server@mcx.reference.test';
const ALICE = 'sip:alice@mcx.example.org';
const BOB = 'sip:bob@mcx.example.org';
const ALICE_IMPU = 'sip:alice.gmc@mcx.reference.test';

const EXPECTED: Record<string, string[]> = {
  'gms.bad-signature': ['signature'],
  'gms.signs-as-other-server': ['initiator'],
  'gms.names-other-receiver': ['receiver'],
  'gms.encrypts-to-other-member': ['opens', 'key', 'gmkId', 'csbId', 'groups', 'status'],
  'gms.gmk-per-member': ['key', 'csbId'],
  'gms.guk-id-salt-of-impu': ['gmkId', 'csbId'],
  'gms.no-endpoint-diversity': ['gmkId', 'csbId'],
  'gms.key-parameters-under-other-key': ['groups', 'status'],
  'gms.key-parameters-other-group': ['groups'],
  'gms.marks-revoked': ['status'],
  'gms.sets-gateway-bit': ['status'],
  'gms.ssrc-in-session-data': ['sessionData'],
};

test('each GMK message fault changes only what it names, as a member reads it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcx-gms-faults-'));
  try {
    const gms = provisionInProcess(dir, GMS);
    const other = provisionInProcess(dir, OTHER);
    const alice = provisionInProcess(dir, ALICE);
    const key = newGroupKey('sip:ptt-group-1@mcx.reference.test');
    const members = new Map([[ALICE_IMPU, ALICE], ['sip:bob.gmc@mcx.reference.test', BOB]]);
    const period = { kmsUri: alice.certificate.kmsUri, keyPeriod: alice.certificate.userKeyPeriod, keyPeriodOffset: alice.certificate.userKeyOffset };
    const read = (faults: string[]) => {
      const bytes = gmkMessageFor(key, ALICE, ALICE_IMPU, { identity: { uri: GMS, keys: () => gms, otherServer: () => ({ uri: OTHER, keys: other }) }, faults: new FaultSet(faults), members });
      const v = verifyIMessage(bytes, { kind: 'gmk', initiatorKms: { ...period, kpak: alice.certificate.pubAuthKey }, receiver: { ...period, uri: ALICE, rsk: alice.keySet.rsk, zT: alice.certificate.pubEncKey } });
      const tree = parseIMessage(bytes);
      const idrr = tree.ok ? tree.message.payloads.find((p) => p.kind === 'IDR' && p.role === IdRole.IDRr) : undefined;
      return {
        signature: v.signature.ok,
        initiator: v.initiatorUri,
        receiver: idrr && idrr.kind === 'IDR' ? new TextDecoder().decode(idrr.data) : undefined,
        opens: v.decryption.ok,
        key: v.key ? Buffer.from(v.key).toString('hex') : undefined,
        gmkId: v.keyId,
        csbId: v.csbId,
        groups: JSON.stringify(v.keyParameters?.groupIds),
        status: v.keyParameters?.status,
        sessionData: tree.ok ? JSON.stringify(tree.message.hdr.genericIds?.map((g) => g.sessionData?.length ?? 0) ?? []) : undefined,
      };
    };
    const baseline = read([]);
    expect(baseline).toMatchObject({ signature: true, initiator: GMS, receiver: ALICE, opens: true, key: Buffer.from(key.gmk).toString('hex'), gmkId: key.gmkId });
    const messageFaults = GMS_FAULTS.filter((f) => EXPECTED[f.name]);
    expect(messageFaults.map((f) => f.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const f of messageFaults) {
      const faulty = read([f.name]);
      const changed = Object.keys(baseline).filter((k) => baseline[k as keyof typeof baseline] !== faulty[k as keyof typeof faulty]);
      expect(changed, f.name).toEqual(EXPECTED[f.name]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
