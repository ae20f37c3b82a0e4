/**
 * Opens the suite's channel to a target's SIP entry point (UDP, TCP, or TLS
 * trusting only the target's CA), and says whose fault it is when that
 * fails: an entry point that does not answer is `unreachable`; one whose
 * certificate does not verify answered, with a defect of its own (`target`);
 * TLS without a CA is the user's (`configuration`). `field` names the entry
 * point in the target file for the messages.
 */
import { connectStream } from './tcp.ts';
import { UdpChannel } from './udp.ts';
import { SipTransportError, type SipChannel } from './wire.ts';

export interface EntryPoint {
  transport: 'udp' | 'tcp' | 'tls';
  address: string;
  port: number;
  serverName?: string;
}

export type EntryFailure = { error: string; blame: 'unreachable' | 'target' | 'configuration' };

export async function openEntryChannel(entry: EntryPoint, caPem: string | undefined, field: string): Promise<SipChannel | EntryFailure> {
  const to = { address: entry.address, port: entry.port };
  try {
    if (entry.transport === 'udp') return await UdpChannel.open({ remote: to });
    if (entry.transport === 'tcp') return await connectStream('tcp', to, { timeoutMs: 5_000 });
    if (!caPem) return { error: `the target file gives no tls.caPem / tls.caFile: the TLS entry point ${field} needs the CA of its certificate`, blame: 'configuration' };
    return await connectStream('tls', to, { timeoutMs: 5_000, tls: { ca: caPem, servername: entry.serverName ?? entry.address } });
  } catch (err) {
    if (err instanceof SipTransportError && err.code === 'tls') {
      const name = entry.serverName ?? entry.address;
      return { error: `the SIP entry point ${to.address}:${to.port} (tls) did not complete a verified TLS handshake for the name '${name}' (${err.detail ?? 'no code'}: ${err.message}): its certificate must chain to tls.caPem and carry that name (${field}.serverName)`, blame: 'target' };
    }
    return { error: `cannot reach the SIP entry point ${to.address}:${to.port} (${entry.transport}): ${(err as Error).message}`, blame: 'unreachable' };
  }
}

export function isEntryFailure<T extends object = SipChannel>(v: T | EntryFailure): v is EntryFailure {
  return 'error' in v && 'blame' in v;
}
