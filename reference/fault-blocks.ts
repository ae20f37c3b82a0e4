/**
 * Requirements a fault leaves without a result by design: it removes their
 * precondition (the grant they need is refused, the answer they read is
 * gone), so the negative-control matrix accepts INCONCLUSIVE for them and
 * nothing else. Kept apart from the fault tables so the list can be read, and
 * reviewed, as one: every entry here was seen in the matrix and judged a
 * precondition, not a collateral failure.
 */
export const BLOCKS: Readonly<Record<string, readonly string[]>> = {
  // Without the JWT-bearer grant no partner access token exists to check, and a refusal of a bad assertion proves nothing.
  'partner-idms.jwt-bearer-unsupported': ['MCXSEC-5.1.4.2-06', 'MCXSEC-B.11.3-01', 'MCXSEC-B.12-02', 'MCXSEC-B.7.4-05', 'MCXSEC-B.7.5-01', 'MCXSEC-B.7.5-02', 'MCXSEC-B.7.5-03', 'MCXSEC-B.9-01'],
};
