import { test, expect } from '@playwright/test';
import { loadVectors } from '../../vectors/load.ts';
import { encodeIMessage, parseIMessage } from './codec.ts';
import type { KeyKind } from './constants.ts';
import { validateIMessage } from './validate.ts';

interface FieldMessage {
  name: string;
  kind: KeyKind;
  message: string;
  length: number;
  csbId: string;
  payloads: string[];
  idri?: string;
  idrr?: string;
  findings: string[];
}

const file = loadVectors<FieldMessage>('./mikey/field-i-messages.json');

test.describe(`field I_MESSAGEs (${file.source.slice(0, 60)}…)`, () => {
  test('all vectors ran', () => {
    expect(file.vectors.length).toBe(3);
  });
  for (const v of file.vectors) {
    test(`${v.name}: decodes octet for octet and re-encodes identically`, () => {
      const bytes = Uint8Array.from(Buffer.from(v.message, 'hex'));
      expect(bytes.length).toBe(v.length);
      const r = parseIMessage(bytes);
      expect(r.ok, r.ok ? '' : JSON.stringify(r.error)).toBe(true);
      if (!r.ok) return;
      expect(r.message.hdr.csbId.toString(16).padStart(8, '0')).toBe(v.csbId);
      expect(r.message.payloads.map((p) => p.kind)).toEqual(v.payloads);
      const text = (role: number) => {
        const p = r.message.payloads.find((q) => q.kind === 'IDR' && q.role === role);
        return p && p.kind === 'IDR' ? new TextDecoder().decode(p.data) : undefined;
      };
      if (v.idri) expect(text(1)).toBe(v.idri);
      if (v.idrr) expect(text(2)).toBe(v.idrr);
      expect(Buffer.from(encodeIMessage(r.message)).toString('hex')).toBe(v.message);
    });
    test(`${v.name}: profile findings are exactly the known departures`, () => {
      const findings = validateIMessage(Uint8Array.from(Buffer.from(v.message, 'hex')), { kind: v.kind }).findings;
      expect(findings.map((f) => f.rule)).toEqual(v.findings);
    });
  }
});
