import { test, expect } from '@playwright/test';
import { Redactor } from './redactor.ts';

test.describe('Redactor', () => {
  test('removes registered secrets and JWT-shaped tokens from text and values', () => {
    const r = new Redactor(['hunter2-password', 'A1B2C3D4E5F6']);
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';
    expect(r.redactText(`pw=hunter2-password key=a1b2c3d4e5f6 tok=${jwt}`)).toBe(`pw=<redacted> key=<redacted> tok=<redacted jwt ${jwt.length} chars>`);
    expect(r.redactValue({ nested: ['hunter2-password', 3] })).toEqual({ nested: ['<redacted>', 3] });
  });

  test('ignores secrets too short to redact safely', () => {
    const r = new Redactor(['ab']);
    expect(r.redactText('abc')).toBe('abc');
  });
});

test.describe('Redactor: always-secret shapes', () => {
  const r = new Redactor();

  test('OAuth credentials in JSON, escaped JSON, query strings and form bodies', () => {
    expect(r.redactText('{"refresh_token":"abcDEF123_-x","expires_in":300,"token_type":"Bearer"}')).toBe('{"refresh_token":"<redacted>","expires_in":300,"token_type":"Bearer"}');
    expect(r.redactText('"body": "{\\"code\\":\\"xyz987\\"}"')).toBe('"body": "{\\"code\\":\\"<redacted>\\"}"');
    expect(r.redactText('https://rp/cb?code=Ab12Cd34&state=s1')).toBe('https://rp/cb?code=<redacted>&state=s1');
    expect(r.redactText('grant_type=authorization_code&code=Q1w2&code_verifier=vvvv&client_secret=zz9')).toBe('grant_type=authorization_code&code=<redacted>&code_verifier=<redacted>&client_secret=<redacted>');
    expect(r.redactText('state=abc&scope=openid')).toBe('state=abc&scope=openid');
  });

  test('credential headers and secret-named keys', () => {
    expect(r.redactValue({ headers: { authorization: 'Bearer tok123', 'set-cookie': '_session=s3cr3t; path=/; httponly', accept: 'application/json' } })).toEqual({
      headers: { authorization: 'Bearer <redacted>', 'set-cookie': '_session=<redacted>; path=/; httponly', accept: 'application/json' },
    });
    expect(r.redactValue({ password: 'pw1234', keyHex: 'a1b2', user: 'alice' })).toEqual({ password: '<redacted>', keyHex: '<redacted>', user: 'alice' });
  });
});

test.describe('Redactor: SIP message text', () => {
  const r = new Redactor();

  test('Authorization and Proxy-Authorization lines: Digest keeps what explains the exchange, other schemes only their name', () => {
    const text = 'REGISTER sip:mcx.example.org SIP/2.0\r\nAuthorization: Digest username="alice", realm="mcx", nonce="n1", uri="sip:mcx.example.org", response="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", qop=auth, nc=00000001\r\nproxy-authorization:Bearer tok.en-value\r\nVia: SIP/2.0/UDP h\r\n\r\n';
    const out = r.redactText(text);
    expect(out).toContain('Authorization: Digest username="alice", realm="mcx", nonce="n1", uri="sip:mcx.example.org", response="<redacted>", cnonce="<redacted>", qop=auth, nc=00000001\r\n');
    expect(out).toContain('proxy-authorization:Bearer <redacted>\r\n');
    expect(out).toContain('Via: SIP/2.0/UDP h\r\n');
    expect(out).not.toContain('6629fae4');
    expect(r.redactText(out)).toBe(out);
  });

  test('the content of an mcptt/mcdata/mcvideo access-token element', () => {
    const xml = '<mcpttinfo><mcptt-Params>\r\n<mcptt-access-token type="Normal"><mcpttString>opaque-token-123</mcpttString></mcptt-access-token>\r\n<mcptt-client-id type="Normal"><mcpttString>client-a</mcpttString></mcptt-client-id>\r\n<mcdata-access-token>bare</mcdata-access-token></mcptt-Params></mcpttinfo>';
    const out = r.redactText(xml);
    expect(out).toContain('<mcptt-access-token type="Normal"><mcpttString><redacted></mcpttString></mcptt-access-token>');
    expect(out).toContain('<mcpttString>client-a</mcpttString>');
    expect(out).toContain('<mcdata-access-token><redacted></mcdata-access-token>');
    expect(r.redactText(out)).toBe(out);
  });
});
