import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServiceIdClaim } from './scopes.ts';

/**
 * The MC users of the reference primary domain. Passwords are drawn at each
 * start and reach the suite only through environment variables named in the
 * target file (`{ env: NAME }`).
 */
export interface McUser {
  /** The `sub`: stable, never reassigned, well under 255 bytes (B.2.1.2). */
  accountId: string;
  username: string;
  password: string;
  passwordEnv: string;
  serviceIds: Record<ServiceIdClaim, string>;
}

export const MC_DOMAIN = 'mcx.example.org';

export function createTestUsers(): McUser[] {
  return ['alice', 'bob'].map((name) => ({
    accountId: `${name}-0001`,
    username: name,
    password: randomBytes(15).toString('base64url'),
    passwordEnv: `MCX_REF_${name.toUpperCase()}_PASSWORD`,
    serviceIds: {
      mcptt_id: `sip:${name}@${MC_DOMAIN}`,
      mcvideo_id: `sip:${name}.video@${MC_DOMAIN}`,
      mcdata_id: `sip:${name}.data@${MC_DOMAIN}`,
    },
  }));
}

export class AccountStore {
  constructor(readonly users: readonly McUser[]) {}

  byId(accountId: string): McUser | undefined {
    return this.users.find((u) => u.accountId === accountId);
  }

  /** Checks a login; compares in constant time per user so timing does not reveal the password. */
  authenticate(username: unknown, password: unknown): McUser | undefined {
    if (typeof username !== 'string' || typeof password !== 'string') return undefined;
    const user = this.users.find((u) => u.username === username);
    if (!user) return undefined;
    const a = Buffer.from(password);
    const b = Buffer.from(user.password);
    return a.length === b.length && timingSafeEqual(a, b) ? user : undefined;
  }
}
