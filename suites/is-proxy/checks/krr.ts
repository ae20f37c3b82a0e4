/**
 * The is-proxy check tables (lib/krr-path builds them): the IS proxy polices
 * the KMSs of its own domain's users, by identity: an IDRi of the domain
 * (its IDRkmsi, the initiator list) and an IDRr of the domain (its IDRkmsr,
 * the receiver list), whichever way the message or KRR travels.
 */
import { krrCreatedTable, type ProxyRole } from '../../../lib/krr-path/created.ts';
import { krrForwardedTable, krrNestedTable, krrReducedTable } from '../../../lib/krr-path/processed.ts';

const IS: ProxyRole = { role: 'is-proxy', listsRequirement: 'MCXSEC-5.2.8.2.3-02' };

export const KRR_CASE_B = krrCreatedTable(IS, 'case-b', 'initiator', "a MIKEY message leaving the domain whose IDRi is the domain's user with an IDRkmsi the proxy does not accept (5.2.8.2.3 case B)");
export const KRR_CASE_C = krrCreatedTable(IS, 'case-c', 'receiver', "a MIKEY message entering the domain whose IDRr is the domain's user with an IDRkmsr the proxy does not accept (5.2.8.2.3 case C)");
export const KRR_REDUCE_INITIATOR = krrReducedTable(IS, 'initiator', "a KRR entering the domain for the domain's initiating user whose initiator list names a KMS the proxy does not accept (5.2.8.2.4 case C)");
export const KRR_REDUCE_RECEIVER = krrReducedTable(IS, 'receiver', "a KRR leaving the domain from the domain's receiving user whose receiver list names a KMS the proxy does not accept (5.2.8.2.4 case B)");
export const KRR_FORWARDED = krrForwardedTable(IS, 'a KRR the proxy has nothing to object to, entering the domain');
export const KRR_NESTED = krrNestedTable(IS, 'a KRR holding 4 sub-KRRs, entering the domain, whose initiator list names a KMS the proxy does not accept');
