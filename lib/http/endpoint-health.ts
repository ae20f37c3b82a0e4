/**
 * Remembers, per origin and for the whole worker process, how many
 * exchanges in a row got no answer in time. After `STALL_LIMIT` of them the
 * origin counts as stopped: further exchanges fail at once with the reason,
 * instead of each waiting out its own deadline (a dead or stalling target
 * must not stretch a run to exchanges x timeout). Any answer resets it.
 */
export const STALL_LIMIT = 3;

interface Health {
  consecutiveTimeouts: number;
  lastError?: string;
}

const byOrigin = new Map<string, Health>();

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Why exchanges with this origin are not attempted any more, or undefined. */
export function stoppedReason(url: string): string | undefined {
  const h = byOrigin.get(originOf(url));
  if (!h || h.consecutiveTimeouts < STALL_LIMIT) return undefined;
  return `target stopped answering: the last ${h.consecutiveTimeouts} exchanges with ${originOf(url)} got no answer in time (${h.lastError ?? 'timeout'}); not attempted`;
}

export function recordAnswer(url: string): void {
  byOrigin.delete(originOf(url));
}

export function recordTimeout(url: string, error: string): void {
  const key = originOf(url);
  const h = byOrigin.get(key) ?? { consecutiveTimeouts: 0 };
  h.consecutiveTimeouts += 1;
  h.lastError = error;
  byOrigin.set(key, h);
}

/** For tests: forget everything. */
export function resetEndpointHealth(): void {
  byOrigin.clear();
}
