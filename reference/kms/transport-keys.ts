import { randomBytes } from 'node:crypto';
import { toHex } from '../../lib/crypto/bytes.ts';

/**
 * The TrKs and InKs the KMS shares with KM clients (5.3.2, 5.3.3): one
 * bootstrap pair, distributed out of band (in the reference domain: the
 * target file), plus any the KMS hands out later in KmsInit / KmsKeyProv
 * (D.3.1). Identifiers are 32-bit values written as 8 hex digits.
 */
export interface TransportKey {
  kind: 'TrK' | 'InK';
  id: string;
  /** 256-bit key value. */
  key: Uint8Array;
}

/** Keys handed out during a run are kept up to this many (oldest forgotten first; the bootstrap pair stays). */
const MAX_ISSUED_KEYS = 10_000;

export class TransportKeyRing {
  private readonly keys = new Map<string, TransportKey>();
  readonly bootstrapTrk: TransportKey;
  readonly bootstrapInk: TransportKey;

  constructor() {
    this.bootstrapTrk = this.create('TrK');
    this.bootstrapInk = this.create('InK');
  }

  /** A fresh key with an unused identifier, remembered for later requests. */
  create(kind: TransportKey['kind']): TransportKey {
    let id: string;
    do id = toHex(randomBytes(4));
    while (this.keys.has(id));
    const key: TransportKey = { kind, id, key: new Uint8Array(randomBytes(32)) };
    this.keys.set(id, key);
    if (this.keys.size > MAX_ISSUED_KEYS + 2) {
      for (const old of this.keys.keys()) {
        if (old !== this.bootstrapTrk?.id && old !== this.bootstrapInk?.id) {
          this.keys.delete(old);
          break;
        }
      }
    }
    return key;
  }

  find(kind: TransportKey['kind'], id: string): TransportKey | undefined {
    const key = this.keys.get(id.toLowerCase());
    return key?.kind === kind ? key : undefined;
  }
}
