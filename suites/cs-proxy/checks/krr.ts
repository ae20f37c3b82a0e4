/**
 * The cs-proxy check tables (lib/krr-path builds them): the CS proxy polices
 * the KMS of its MC client, as initiator (IDRkmsi, the initiator list) and
 * as receiver (IDRkmsr, the receiver list).
 */
import { krrCreatedTable, type ProxyRole } from '../../../lib/krr-path/created.ts';
import { krrForwardedTable, krrNestedTable, krrReducedTable } from '../../../lib/krr-path/processed.ts';

const CS: ProxyRole = { role: 'cs-proxy', listsRequirement: 'MCXSEC-5.2.8.2.3-01' };

export const KRR_INBOUND = krrCreatedTable(CS, 'inbound', 'initiator', 'a MIKEY message from the client whose IDRkmsi the proxy does not accept (5.2.8.2.3 case A)');
export const KRR_OUTBOUND = krrCreatedTable(CS, 'outbound', 'receiver', 'a MIKEY message towards the client whose IDRkmsr the proxy does not accept (5.2.8.2.3 case D)');
export const KRR_REDUCE_INITIATOR = krrReducedTable(CS, 'initiator', 'a KRR on its way to the client whose initiator list names a KMS the proxy does not accept (5.2.8.2.4 case D)');
export const KRR_REDUCE_RECEIVER = krrReducedTable(CS, 'receiver', 'a KRR from the client whose receiver list names a KMS the proxy does not accept (5.2.8.2.4 case A)');
export const KRR_FORWARDED = krrForwardedTable(CS, 'a KRR the proxy has nothing to object to, on its way to the client');
export const KRR_NESTED = krrNestedTable(CS, 'a KRR holding 4 sub-KRRs whose initiator list names a KMS the proxy does not accept');
