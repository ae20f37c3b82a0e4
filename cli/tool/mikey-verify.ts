import { readFileSync } from 'node:fs';
import { formatFinding, formatUndecided } from '../../lib/mikey/findings.ts';
import { readKmsCertificate, readKmsKeySet, type KmsCertificateFields, type KmsKeySetFields } from '../../lib/mikey/kms-files.ts';
import { verifyIMessage } from '../../lib/mikey/verify.ts';
import { UsageError } from '../usage.ts';
import { intArg, parseToolArgs, requiredStringArg, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';
import { kindArg, readMessageArgument } from './mikey-decode.ts';

function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function loadCert(path: string, option: string): KmsCertificateFields {
  const r = readKmsCertificate(readText(path, option));
  if (!r.ok) throw new UsageError(`${option} ${path}: ${r.reason}`);
  return r.value;
}

function loadKeySet(path: string, option: string): KmsKeySetFields {
  const r = readKmsKeySet(readText(path, option));
  if (!r.ok) throw new UsageError(`${option} ${path}: ${r.reason}`);
  return r.value;
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);

export const mikeyVerifyTool: ToolSubcommand = {
  name: 'mikey-verify',
  summary: 'validate, verify (ECCSI) and decrypt (SAKKE) a MIKEY-SAKKE I_MESSAGE with the receiver key set',
  help: `usage: mcx-conformance tool mikey-verify <hex | base64 | @file> --kms-cert <KmsCertificate.xml>
         --receiver-keys <KmsKeySet.xml> [--initiator-kms-cert <KmsCertificate.xml>]
         [--initiator-uri <uri>] [--expect-initiator <uri>] [--now <ISO-8601>|now [--max-skew <s>]]
         [--kind gmk|pck|csk-upload|csk-download|musik-download] [--json]

Checks the message against the TS 33.180 Annex E profile, computes the
initiator UID from IDRi, IDRkmsi and the timestamp (F.2.1) and verifies the
ECCSI signature with PubAuthKey of the initiator's KMS certificate
(--initiator-kms-cert, default --kms-cert), decapsulates the SAKKE payload
with UserDecryptKey of --receiver-keys for UserUri, recovers the GMK-ID from a
GUK-ID (F.1.3), decrypts the key parameters (E.6) and applies the identity
hiding checks of 5.2.6 (--initiator-uri: the initiator URI learned outside
MIKEY when IDRi is hidden). --expect-initiator checks IDRi against the
identity that should have sent the message (e.g. the GMS of the group, 5.7.2);
--now reports a timestamp outside --max-skew seconds (default 300).
Without --kind the key kind is read from the CS-ID map (table E.1.3-1), else
from the Key Type of the decrypted key parameters (E.6.11); when neither
tells, the kind is a guess and the purpose-tag check is INCONCLUSIVE. A
departure from a shall of the requirement catalog is an ERROR, from a should a
WARNING, from a may an INFO. Prints every finding, every check that could not
be decided, the verdicts and the key.

exit status: 0 conforms and verifies (verdict PASS), 1 it does not (FAIL) or a
check could not be decided (INCONCLUSIVE, e.g. give --kind), 2 usage error
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      'kms-cert': { type: 'string', required: true },
      'receiver-keys': { type: 'string', required: true },
      'initiator-kms-cert': { type: 'string' },
      'initiator-uri': { type: 'string' },
      'expect-initiator': { type: 'string' },
      now: { type: 'string' },
      'max-skew': { type: 'string' },
      kind: { type: 'string' },
    }, { name: '<hex | base64 | @file>', min: 1, max: 1 });
    const bytes = readMessageArgument(args.positionals[0]);
    const cert = loadCert(requiredStringArg(args, 'kms-cert'), '--kms-cert');
    const initiatorCertPath = stringArg(args, 'initiator-kms-cert');
    const initiatorCert = initiatorCertPath ? loadCert(initiatorCertPath, '--initiator-kms-cert') : cert;
    const keySet = loadKeySet(requiredStringArg(args, 'receiver-keys'), '--receiver-keys');
    const nowText = stringArg(args, 'now');
    const now = nowText === undefined ? undefined : nowText === 'now' ? Date.now() : Date.parse(nowText);
    if (now !== undefined && Number.isNaN(now)) throw new UsageError(`--now: not an ISO-8601 date-time (or 'now'): '${nowText}'`);
    const result = verifyIMessage(bytes, {
      kind: kindArg(stringArg(args, 'kind')),
      expectedInitiatorUri: stringArg(args, 'expect-initiator'),
      now,
      maxSkewSeconds: args.values['max-skew'] === undefined ? undefined : intArg(args, 'max-skew', { min: 0 }),
      initiatorUri: stringArg(args, 'initiator-uri'),
      initiatorKms: { kmsUri: initiatorCert.kmsUri, keyPeriod: initiatorCert.userKeyPeriod, keyPeriodOffset: initiatorCert.userKeyOffset, kpak: initiatorCert.pubAuthKey },
      receiver: { uri: keySet.userUri, kmsUri: cert.kmsUri, keyPeriod: cert.userKeyPeriod, keyPeriodOffset: cert.userKeyOffset, rsk: keySet.userDecryptKey, zT: cert.pubEncKey, keyPeriodNo: keySet.keyPeriodNo },
    });
    const failed = !result.verified || result.findings.some((f) => f.severity === 'error');
    const verdict = failed ? 'FAIL' : result.inconclusive.length > 0 ? 'INCONCLUSIVE' : 'PASS';
    const summary = {
      verdict,
      kind: result.kindResolved ? `${result.kind} (from ${result.kindSource})` : `${result.kind} (AMBIGUOUS: ${result.kindNote.replace(/^ambiguous: /, '')})`,
      conforms: result.conforms,
      signature: result.signature.ok ? 'valid' : `invalid: ${result.signature.reason}`,
      decryption: result.decryption.ok ? `ok${result.sakkeToSelf ? ' (SAKKE-to-self: we are the initiator)' : ''}` : `failed: ${result.decryption.reason}`,
      key: hex(result.key),
      keyId: result.keyId === undefined ? undefined : `0x${result.keyId.toString(16).padStart(8, '0')}`,
      csbId: result.csbId === undefined ? undefined : `0x${result.csbId.toString(16).padStart(8, '0')}`,
      initiatorUri: result.initiatorUri,
      initiatorUid: hex(result.initiatorUid),
      receiverUid: hex(result.receiverUid),
      keyParameters: result.keyParameters ? { ...result.keyParameters, reserved: hex(result.keyParameters.reserved) } : undefined,
      revoked: result.revoked,
      securityGateway: result.securityGateway,
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify({
        ...summary, kind: result.kind, kindSource: result.kindSource, kindResolved: result.kindResolved, kindNote: result.kindNote,
        findings: result.findings, inconclusive: result.inconclusive, results: result.results,
      }, null, 2)}\n`);
    } else {
      for (const [k, v] of Object.entries(summary)) if (v !== undefined) process.stdout.write(`${`${k}:`.padEnd(16)} ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
      process.stdout.write(`findings:        ${result.findings.length === 0 ? 'none' : ''}\n`);
      for (const f of result.findings) process.stdout.write(`  ${formatFinding(f)}\n`);
      if (result.inconclusive.length > 0) {
        process.stdout.write('not decided:\n');
        for (const r of result.inconclusive) process.stdout.write(`  ${formatUndecided(r)}\n`);
      }
    }
    return verdict === 'PASS' ? 0 : 1;
  },
};
