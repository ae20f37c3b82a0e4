import { SipEndpoint, StreamListener, UdpChannel, type Endpoint, type ServerTransaction, type TimerConfig, type TlsServerMaterial } from '../../lib/sip/index.ts';

/**
 * Serves SIP requests on UDP, TCP and (given a certificate) TLS at 127.0.0.1 with lib/sip's
 * transaction layer: one endpoint on the UDP socket, one per accepted TCP
 * connection; each new request goes to `handle`, which answers it.
 */
export type RequestHandler = (tx: ServerTransaction, via: SipEndpoint) => Promise<void>;

export interface SipService {
  udp: Endpoint;
  tcp: Endpoint;
  tls?: Endpoint;
  stop(): Promise<void>;
}

/** Short RFC 3261 timers: the suites wait seconds, not the 32 s of the defaults. */
export const REFERENCE_TIMERS: Partial<TimerConfig> = { T1: 100, T2: 400, T4: 500 };

export async function serveSip(handle: RequestHandler, tlsMaterial?: TlsServerMaterial): Promise<SipService> {
  const udp = await UdpChannel.open();
  const tcp = await StreamListener.open('tcp');
  const tls = tlsMaterial ? await StreamListener.open('tls', { tls: tlsMaterial }) : undefined;
  let stopped = false;
  const endpoints: SipEndpoint[] = [];
  const loop = async (ep: SipEndpoint, alive: () => boolean) => {
    while (!stopped && alive()) {
      let tx: ServerTransaction;
      try {
        tx = await ep.nextRequest(1_000);
      } catch {
        continue;
      }
      void handle(tx, ep).catch(() => tx.reply(500).catch(() => undefined));
    }
  };
  const udpEndpoint = new SipEndpoint(udp, { timers: REFERENCE_TIMERS });
  endpoints.push(udpEndpoint);
  void loop(udpEndpoint, () => true);
  const accept = async (listener: StreamListener) => {
    while (!stopped) {
      try {
        const ch = await listener.accept(1_000);
        const ep = new SipEndpoint(ch, { timers: REFERENCE_TIMERS });
        endpoints.push(ep);
        void loop(ep, () => !ep.transportError);
      } catch {
        // no connection within the poll interval
      }
    }
  };
  for (const listener of [tcp, tls]) if (listener) void accept(listener);
  return {
    udp: udp.local,
    tcp: tcp.local,
    ...(tls ? { tls: tls.local } : {}),
    async stop() {
      stopped = true;
      for (const ep of endpoints) ep.stop();
      await udp.close();
      await tcp.close();
      await tls?.close();
    },
  };
}
