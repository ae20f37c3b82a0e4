/**
 * lib/sip's public surface, for suites: import from here rather than from
 * the modules (README.md says what each does). Test helpers (test-tls,
 * sipp-peer, fuzz) are left out on purpose.
 */
export * from './message.ts';
export * from './serialize.ts';
export * from './parse.ts';
export * from './deviation.ts';
export * from './limits.ts';
export * from './framing.ts';
export * from './ids.ts';
export * from './timers.ts';
export * from './build.ts';
export * from './transaction.ts';
export * from './endpoint.ts';
export * from './dialog.ts';
export * from './media-type.ts';
export * from './multipart.ts';
export * from './sdp.ts';
export * from './mcx-info.ts';
export * from './user-agent.ts';
export { checkCoreValue, grammarAccepts, splitTopLevel } from './value-checks.ts';
export * from './transport/wire.ts';
export { UdpChannel } from './transport/udp.ts';
export { StreamChannel, type TlsEvidence } from './transport/stream.ts';
export { StreamListener, connectStream, type ConnectOptions, type TlsServerMaterial } from './transport/tcp.ts';
export { WsChannel, WsListener, connectWs } from './transport/ws.ts';
export { openEntryChannel, isEntryFailure, type EntryPoint, type EntryFailure } from './transport/entry.ts';
