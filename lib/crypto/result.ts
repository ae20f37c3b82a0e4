/**
 * Outcome of a cryptographic check on material from outside (a key, a
 * signature, a ciphertext). Checks never throw for bad input: they say why.
 */
export type CryptoCheck = { ok: true } | { ok: false; reason: string; detail?: Record<string, string> };

export const OK: CryptoCheck = Object.freeze({ ok: true });

export function failed(reason: string, detail?: Record<string, string>): CryptoCheck {
  return detail ? { ok: false, reason, detail } : { ok: false, reason };
}
