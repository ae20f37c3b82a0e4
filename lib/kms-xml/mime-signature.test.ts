import { test, expect } from '@playwright/test';
import { signMimeBody, verifyMimeSignatures, xpkIntegrityKey } from './mime-signature.ts';
import { xmlProtectionKey } from '../crypto/kdf.ts';
import { u32be } from '../crypto/bytes.ts';

/** 9.3.5 signatures over SIP MIME bodies named by cid: URLs, HMAC-SHA256 under the F.1.4 integrity key. */
const xpk = { key: Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i), id: 0x21112222 };
const user = 'sip:alice@mcx.example.org';
const body = new TextEncoder().encode('<?xml version="1.0"?>\r\n<mcpttinfo xmlns="urn:3gpp:ns:mcpttInfo:1.0"/>\r\n');

test('the integrity key is F.1.4 with FC 0x52; a signature over a body verifies against that body only', () => {
  expect(xpkIntegrityKey(xpk, user)).toEqual(xmlProtectionKey(xpk.key, 'integrity', user, u32be(xpk.id)));
  const sig = signMimeBody('info@ue', body, xpk, user);
  expect(sig).toContain('URI="cid:info@ue"');
  expect(sig).toContain('xmldsig-more#hmac-sha256');
  expect(verifyMimeSignatures(sig, new Map([['info@ue', body]]), xpk, user)).toEqual([{ ok: true, cid: 'info@ue' }]);
});

test('an altered body, another key, a missing body, another KeyName and junk are each refused with a reason', () => {
  const sig = signMimeBody('info@ue', body, xpk, user);
  const altered = Uint8Array.from(body);
  altered[altered.length - 3] ^= 1;
  expect(verifyMimeSignatures(sig, new Map([['info@ue', altered]]), xpk, user)[0]).toMatchObject({ ok: false, digest: false, value: true });
  expect(verifyMimeSignatures(signMimeBody('info@ue', body, xpk, user, { key: xpk.key }), new Map([['info@ue', body]]), xpk, user)[0]).toMatchObject({ ok: false, digest: true, value: false });
  expect(verifyMimeSignatures(sig, new Map([['other@ue', body]]), xpk, user)[0]).toMatchObject({ ok: false, reason: /no MIME body/ });
  expect(verifyMimeSignatures(sig, new Map([['info@ue', body]]), { ...xpk, id: 0x20000000 }, user)[0]).toMatchObject({ ok: false, reason: /KeyName/ });
  expect(verifyMimeSignatures('<x/>', new Map(), xpk, user)[0]).toMatchObject({ ok: false, reason: /no ds:Signature/ });
  expect(verifyMimeSignatures('<<', new Map(), xpk, user)[0]).toMatchObject({ ok: false, reason: /not XML/ });
});
