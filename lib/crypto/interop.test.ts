import { test, expect } from '@playwright/test';
import { loadVectors } from '../../vectors/load.ts';
import { mikeyPrf, mikeyLabel, srtpMasterFromTgk, MIKEY_KEY_CONSTANT } from './mikey-prf.ts';
import { dpck, gukId } from './kdf.ts';
import { unprotectPayload } from './mcdata-payload.ts';
import { mikeySakkeUid } from './uid.ts';
import { hex, toHex } from './bytes.ts';

const file = loadVectors('interop/sw-mikey-sakke.json');

test.describe('interop values from other MCX implementations (vectors/interop/sw-mikey-sakke.json)', () => {
  test('vector count', () => {
    const count = (kind: string) => file.vectors.filter((v) => v.kind === kind).length;
    expect([count('mikeyPrf'), count('dpck'), count('gukId'), count('uid'), count('srtpMaster'), count('protectedPayload')]).toEqual([3, 1, 3, 13, 4, 3]);
  });

  for (const v of file.vectors) {
    test(`${v.kind}: ${v.name} [${v.from}]`, () => {
      switch (v.kind) {
        case 'mikeyPrf': {
          const constant = MIKEY_KEY_CONSTANT[v.keyConstant as keyof typeof MIKEY_KEY_CONSTANT];
          const key = mikeyPrf(hex(v.inkey), mikeyLabel(constant, v.csId, hex(v.csbId), hex(v.rand)), v.key.length / 2);
          const salt = mikeyPrf(hex(v.inkey), mikeyLabel(MIKEY_KEY_CONSTANT.salt, v.csId, hex(v.csbId), hex(v.rand)), v.salt.length / 2);
          expect(toHex(key)).toBe(v.key);
          expect(toHex(salt)).toBe(v.salt);
          break;
        }
        case 'dpck':
          expect(toHex(dpck(hex(v.dppk), hex(v.dppkId)))).toBe(v.dpck);
          break;
        case 'gukId':
          expect(toHex(gukId(hex(v.gmk), hex(v.gmkId), v.userId))).toBe(v.gukId);
          break;
        case 'uid':
          expect(toHex(mikeySakkeUid(v as any))).toBe(v.uid);
          break;
        case 'srtpMaster': {
          // 7.4.2: with a GMK, the CSB-ID is the sender's GUK-ID, derived here first.
          const csbId = v.gmkId ? gukId(hex(v.tgk), hex(v.gmkId), v.userId) : hex(v.csbId);
          expect(toHex(csbId)).toBe(v.csbId);
          const m = srtpMasterFromTgk({ tgk: hex(v.tgk), csId: v.csId, csbId, rand: hex(v.rand) });
          expect(toHex(m.masterKey)).toBe(v.masterKey);
          expect(toHex(m.masterSalt)).toBe(v.masterSalt);
          break;
        }
        case 'protectedPayload': {
          const opened = unprotectPayload(hex(v.payload), { dppk: hex(v.dppk) });
          expect(opened).toMatchObject({ ok: true, algorithm: 'DP_AES_128_GCM' });
          expect(opened.ok && toHex(opened.plaintext)).toBe(v.plaintext);
          break;
        }
        default:
          throw new Error(`unknown vector kind ${v.kind}`);
      }
    });
  }
});
