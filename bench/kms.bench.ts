/**
 * KMS suite costs: the key-material checks of one key set (F.2.1 UID, RSK
 * per RFC 6508 6.1.2, SSK/PVT per RFC 6507 5.1.2; issue 7 asks < 100 ms
 * median), opening a protected KeyProvision response, and one schema
 * validation (one xmllint-wasm run).
 */
import type { Benchmark } from './types.ts';
import { randomBytes } from 'node:crypto';
import { sakkeGenerateKms, sakkeIssueRsk, sakkeValidateRsk } from '../lib/crypto/sakke.ts';
import { eccsiGenerateKms, eccsiIssueUserKey, eccsiValidateUserKey } from '../lib/crypto/eccsi.ts';
import { mikeySakkeUid } from '../lib/crypto/uid.ts';
import { protectedResponseXml, protectKeyMaterial } from '../lib/kms-xml/protect.ts';
import { openKmsResponse } from '../lib/kms-xml/open.ts';
import { validateKmsXml } from '../lib/kms-xml/schema.ts';
import { toBase64, toHex } from '../lib/crypto/bytes.ts';

const USER = 'sip:alice@mcx.example.org';
const KMS_URI = 'kms.mcx.example.org';

function keySetFixture() {
  const sakke = sakkeGenerateKms();
  const eccsi = eccsiGenerateKms();
  const uidInput = { userUri: USER, kmsUri: KMS_URI, keyPeriod: 2_592_000, keyPeriodOffset: 86_400, keyPeriodNo: 1600 };
  const uid = mikeySakkeUid(uidInput);
  const rsk = sakkeIssueRsk(sakke, uid);
  const { ssk, pvt } = eccsiIssueUserKey(eccsi, uid);
  return { zT: sakke.zT, kpak: eccsi.kpak, uidInput, uid, rsk, ssk, pvt };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'kms: key-material checks of one key set (UID + RSK + SSK/PVT)',
    iterations: 15,
    setup: keySetFixture,
    run: (f: ReturnType<typeof keySetFixture>) => {
      const uid = mikeySakkeUid(f.uidInput);
      const r = sakkeValidateRsk(f.zT, uid, f.rsk);
      const e = eccsiValidateUserKey(f.kpak, uid, f.ssk, f.pvt);
      if (!r.ok || !e.ok) throw new Error(`fixture key set does not validate: ${!r.ok ? r.reason : ''} ${!e.ok ? e.reason : ''}`);
    },
  },
  {
    name: 'kms: open a signed, TrK-encrypted KeyProvision response (parse, verify, decrypt)',
    iterations: 30,
    setup: () => {
      const f = keySetFixture();
      const trk = { id: '0A0B0C0D', key: randomBytes(32) };
      const ink = { id: '0E0F1011', key: randomBytes(32) };
      const xml = protectedResponseXml(
        {
          userUri: USER,
          kmsUri: KMS_URI,
          time: new Date().toISOString(),
          clientReqUrl: 'https://kms/keymanagement/identity/v1/keyprov',
          message: { keyProv: { keySets: [{ kmsUri: KMS_URI, userUri: USER, userId: toBase64(f.uid), keyPeriodNo: '1600', userDecryptKey: protectKeyMaterial(f.rsk, trk, USER), userSigningKeySsk: protectKeyMaterial(f.ssk, trk, USER), userPubTokenPvt: { hex: toHex(f.pvt) } }] } },
        },
        { userUri: USER, encryptWith: trk, signWith: ink },
      );
      return { xml, trk, ink };
    },
    run: (s: { xml: string; trk: { id: string; key: Uint8Array }; ink: { id: string; key: Uint8Array } }) => {
      const o = openKmsResponse(s.xml, { trk: s.trk, ink: s.ink, userUri: USER });
      if (!o.signature?.verification.ok || !o.keySets[0]?.rsk.bytes) throw new Error('bench response did not open');
    },
  },
  {
    name: 'kms: schema validation of one KmsResponse (xmllint-wasm run)',
    iterations: 5,
    setup: () => protectedResponseXml({ userUri: USER, kmsUri: KMS_URI, time: new Date().toISOString(), clientReqUrl: 'https://kms/init', message: { lookup: { kmsUris: [KMS_URI] } } }, { userUri: USER }),
    run: async (xml: string) => {
      const r = await validateKmsXml(xml);
      if (!r.valid) throw new Error('bench document invalid');
    },
  },
];
