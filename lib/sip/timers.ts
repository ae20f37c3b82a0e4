/**
 * RFC 3261 17 timer values, under the test's control: set T1/T2/T4 (and
 * every derived timer follows, as in table 4), or override one timer
 * alone. On reliable transports the retransmit timers (A, E, G) do not run
 * and the wait timers D, I, K are zero (17.1.1.2, 17.1.2.2, 17.2.1).
 */
export interface TimerConfig {
  T1: number;
  T2: number;
  T4: number;
  /** Derived unless set. */
  A?: number; B?: number; D?: number; E?: number; F?: number; G?: number; H?: number; I?: number; J?: number; K?: number;
  /** Server INVITE: send 100 Trying when the TU has not answered within this (RFC 3261 17.2.1: 200 ms); null never. */
  trying?: number | null;
}

export const RFC3261_TIMERS: Readonly<TimerConfig> = { T1: 500, T2: 4000, T4: 5000, trying: 200 };

export interface Timers {
  T1: number; T2: number; T4: number;
  A: number; B: number; D: number; E: number; F: number; G: number; H: number; I: number; J: number; K: number;
  trying: number | null;
}

export function resolveTimers(cfg: Partial<TimerConfig> = {}, reliable = false): Timers {
  const T1 = cfg.T1 ?? RFC3261_TIMERS.T1;
  const T2 = cfg.T2 ?? RFC3261_TIMERS.T2;
  const T4 = cfg.T4 ?? RFC3261_TIMERS.T4;
  return {
    T1, T2, T4,
    A: cfg.A ?? T1, B: cfg.B ?? 64 * T1, D: cfg.D ?? (reliable ? 0 : Math.max(32_000, 64 * T1)),
    E: cfg.E ?? T1, F: cfg.F ?? 64 * T1, G: cfg.G ?? T1, H: cfg.H ?? 64 * T1,
    I: cfg.I ?? (reliable ? 0 : T4), J: cfg.J ?? (reliable ? 0 : 64 * T1), K: cfg.K ?? (reliable ? 0 : T4),
    trying: cfg.trying === undefined ? 200 : cfg.trying,
  };
}
