import { test, expect } from '@playwright/test';
import { loadVectors } from '../../vectors/load.ts';
import { mikeySakkeUid, mikeySakkeUidInput, keyPeriodNumber, keyPeriodStart } from './uid.ts';
import { toBase64, toHex } from './bytes.ts';

const file = loadVectors('ts-33.180/f.2.1.2-uid.json');

test.describe(`MIKEY-SAKKE UID (${file.source})`, () => {
  test('vector count', () => expect(file.vectors.length).toBe(1));

  for (const v of file.vectors) {
    test(`${v.name}: key period number, hash input and UID byte for byte`, () => {
      expect(keyPeriodNumber(v.ntpTime, v.keyPeriod, v.keyPeriodOffset)).toBe(v.keyPeriodNo);
      const input = { userUri: v.userUri, kmsUri: v.kmsUri, keyPeriod: v.keyPeriod, keyPeriodOffset: v.keyPeriodOffset, keyPeriodNo: v.keyPeriodNo };
      expect(toHex(mikeySakkeUidInput(input))).toBe(v.hashInput);
      expect(toBase64(mikeySakkeUid(input))).toBe(v.uid);
    });
  }

  test('F.2.1.1 key period arithmetic with an offset', () => {
    expect(keyPeriodNumber(1000, 100, 50)).toBe(9);
    expect(keyPeriodNumber(1049, 100, 50)).toBe(9);
    expect(keyPeriodNumber(1050, 100, 50)).toBe(10);
    expect(keyPeriodStart(10, 100, 50)).toBe(1050);
    expect(() => keyPeriodNumber(10, 0, 0)).toThrow(RangeError);
    expect(() => keyPeriodNumber(10, 100, 50)).toThrow(RangeError);
  });
});
