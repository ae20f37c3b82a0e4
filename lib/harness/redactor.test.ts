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
