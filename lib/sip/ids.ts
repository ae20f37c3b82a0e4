/**
 * Identifiers a UA invents: Via branches with the RFC 3261 magic cookie
 * (8.1.1.7), From/To tags (19.3, at least 32 bits of randomness) and
 * Call-IDs (8.1.1.4). Random by default; a test wanting reproducible
 * octets passes its own string instead.
 */
import { randomBytes } from 'node:crypto';

export const MAGIC_COOKIE = 'z9hG4bK';

export function newBranch(): string {
  return MAGIC_COOKIE + randomBytes(8).toString('hex');
}

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export function newCallId(host = '127.0.0.1'): string {
  return `${randomBytes(10).toString('hex')}@${host}`;
}

export function isRfc3261Branch(branch: string | undefined): boolean {
  return !!branch && branch.startsWith(MAGIC_COOKIE) && branch.length > MAGIC_COOKIE.length;
}
