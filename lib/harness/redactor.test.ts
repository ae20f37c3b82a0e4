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
