/**
 * In-memory storage for oidc-provider models, one store per provider
 * instance (the package's bundled memory adapter shares one store per
 * process, and a test may run several domains at once).
 *
 * `onFind` lets fault switches alter what the provider reads back, which is
 * how a switch such as `idms.ignores-code-verifier` reaches a check that
 * lives inside oidc-provider.
 */
export type StoredPayload = Record<string, unknown>;
export type FindHook = (model: string, payload: StoredPayload) => StoredPayload;

interface Entry {
  payload: StoredPayload;
  expiresAt: number;
}

/** Models whose entries belong to a grant and go when the grant is revoked. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** Upper bound on stored entries; oldest go first, so a flood of requests cannot exhaust memory. */
const MAX_ENTRIES = 20_000;

export class ModelStore {
  readonly entries = new Map<string, Entry>();
  readonly grantMembers = new Map<string, Set<string>>();
  onFind: FindHook | undefined;

  adapterFor = (model: string): MemoryAdapter => new MemoryAdapter(model, this);

  get(key: string): StoredPayload | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.payload;
  }

  set(key: string, payload: StoredPayload, expiresInSeconds: number | undefined): void {
    this.entries.delete(key);
    this.entries.set(key, { payload, expiresAt: expiresInSeconds ? Date.now() + expiresInSeconds * 1000 : Infinity });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export class MemoryAdapter {
  constructor(
    private readonly model: string,
    private readonly store: ModelStore,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: StoredPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    if (this.model === 'Session' && typeof payload.uid === 'string') this.store.set(`sessionUid:${payload.uid}`, { id }, expiresIn);
    if (GRANTABLE.has(this.model) && typeof payload.grantId === 'string') {
      const members = this.store.grantMembers.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.store.grantMembers.set(payload.grantId, members);
    }
    this.store.set(key, structuredClone(payload), expiresIn);
  }

  async find(id: string): Promise<StoredPayload | undefined> {
    const payload = this.store.get(this.key(id));
    if (!payload) return undefined;
    const copy = structuredClone(payload);
    return this.store.onFind ? this.store.onFind(this.model, copy) : copy;
  }

  async findByUid(uid: string): Promise<StoredPayload | undefined> {
    const ref = this.store.get(`sessionUid:${uid}`);
    return typeof ref?.id === 'string' ? this.find(ref.id) : undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.entries.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.store.grantMembers.get(grantId) ?? []) this.store.entries.delete(key);
    this.store.grantMembers.delete(grantId);
  }
}
