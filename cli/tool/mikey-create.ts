import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ntpFromIso, ntpFromUnixMs, ntpToUnixMs } from '../../lib/crypto/ntp.ts';
import { keyPeriodNumber } from '../../lib/crypto/uid.ts';
import { buildIMessage, type InitiatorMaterial, type ReceiverMaterial } from '../../lib/mikey/build.ts';
import { KEY_KINDS, type KeyKind } from '../../lib/mikey/constants.ts';
import { readKmsCertificate, readKmsKeySet, writeKmsCertificate, writeKmsKeySet } from '../../lib/mikey/kms-files.ts';
import { createTestKms, initiatorMaterial, receiverKeys } from '../../lib/mikey/test-domain.ts';
import { uidAt } from '../../lib/mikey/identity.ts';
import { RULES, type RuleId } from '../../lib/mikey/validate.ts';
import { UsageError } from '../usage.ts';
import { intArg, parseHex, parseIntText, parseToolArgs, requiredStringArg, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';
import { kindArg } from './mikey-decode.ts';

const DEFAULT_INITIATOR: Record<KeyKind, string> = {
  gmk: 'sip:gms@mcx.example.org', pck: 'sip:bob@mcx.example.org', 'csk-upload': 'sip:alice@mcx.example.org',
  'csk-download': 'sip:mdsi@mcx.example.org', 'musik-download': 'sip:mdsi@mcx.example.org',
};
const DEFAULT_RECEIVER: Record<KeyKind, string> = {
  gmk: 'sip:alice@mcx.example.org', pck: 'sip:alice@mcx.example.org', 'csk-upload': 'sip:mdsi@mcx.example.org',
  'csk-download': 'sip:alice@mcx.example.org', 'musik-download': 'sip:alice@mcx.example.org',
};

function readFile(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export const mikeyCreateTool: ToolSubcommand = {
  name: 'mikey-create',
  summary: 'write a conforming (or, with --mutate, deliberately broken) MIKEY-SAKKE I_MESSAGE for a key kind',
  help: `usage: mcx-conformance tool mikey-create --kind gmk|pck|csk-upload|csk-download|musik-download
         ( --test-domain <dir> [--initiator <uri>]
         | --kms-cert <receiver KmsCertificate.xml> --initiator-keys <KmsKeySet.xml> [--initiator-kms-cert <file>] )
         [--receiver <uri>] [--key <hex16>] [--key-id <0x...>] [--time <ISO-8601>]
         [--sakke-to-self] [--hide-initiator] [--hide-receiver]
         [--key-parameters | --no-key-parameters] [--text <name>] [--group-id <uri>]... [--status <int>]
         [--cs-id <n>]... [--mutate <rule>] [--out <file>] [--json]

Builds an I_MESSAGE per TS 33.180 Annex E: GMK (CSB-ID = GUK-ID, key
parameters by default), PCK, CSK upload, CSK or MuSiK download, with SAKKE
encapsulation to the receiver UID and an ECCSI signature by the initiator UID.

--test-domain <dir> makes a throw-away KMS and writes kms-cert.xml,
receiver-keys.xml and initiator-keys.xml there (inputs for mikey-verify).
Otherwise the receiver's KMS certificate gives PubEncKey and key periods, and
the initiator's key set gives UserUri, SSK and PVT.
--mutate <rule> applies the single deviation of a validator rule (or of its
check, mikey.<rule>) before signing (rules: ${Object.keys(RULES).join(', ')}).
The message is printed (or written to --out) as hex.

exit status: 0 written, 2 usage error
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      kind: { type: 'string', required: true },
      'test-domain': { type: 'string' },
      'kms-cert': { type: 'string' },
      'initiator-kms-cert': { type: 'string' },
      'initiator-keys': { type: 'string' },
      initiator: { type: 'string' },
      receiver: { type: 'string' },
      key: { type: 'string' },
      'key-id': { type: 'string' },
      time: { type: 'string' },
      'sakke-to-self': { type: 'boolean' },
      'hide-initiator': { type: 'boolean' },
      'hide-receiver': { type: 'boolean' },
      'key-parameters': { type: 'boolean' },
      'no-key-parameters': { type: 'boolean' },
      text: { type: 'string' },
      'group-id': { type: 'string', multiple: true },
      status: { type: 'string' },
      'cs-id': { type: 'string', multiple: true },
      mutate: { type: 'string' },
      out: { type: 'string' },
    });
    const kind = kindArg(requiredStringArg(args, 'kind'))!;
    const timeText = stringArg(args, 'time');
    const ntp = timeText ? ntpFromIso(timeText) : ntpFromUnixMs(Date.now());
    if (!ntp) throw new UsageError(`--time: not an ISO-8601 date-time with a zone: '${timeText}'`);
    const time = ntpToUnixMs(ntp);
    const receiverUri = stringArg(args, 'receiver') ?? DEFAULT_RECEIVER[kind];
    const key = args.values.key !== undefined ? parseHex('--key', requiredStringArg(args, 'key'), { lengths: [16] }) : undefined;
    const keyIdText = stringArg(args, 'key-id');
    const keyId = keyIdText === undefined ? undefined : parseIntText('--key-id', keyIdText, { min: 0, max: 0xffffffff });
    const mutateText = stringArg(args, 'mutate');
    // A rule name (ts.type) or its check id (mikey.ts.type).
    const mutate = mutateText?.replace(/^mikey\./, '');
    if (mutate !== undefined && !(mutate in RULES)) throw new UsageError(`--mutate: unknown rule '${mutateText}'`);
    if (args.values['key-parameters'] && args.values['no-key-parameters']) throw new UsageError('--key-parameters and --no-key-parameters exclude each other');
    const csIds = ((args.values['cs-id'] as string[] | undefined) ?? []).map((t) => parseIntText('--cs-id', t, { min: 0, max: 255 }));

    let initiator: InitiatorMaterial;
    let receiver: ReceiverMaterial;
    const domainDir = stringArg(args, 'test-domain');
    if (domainDir) {
      const kms = createTestKms('kms.mcx.example.org');
      const initiatorUri = stringArg(args, 'initiator') ?? DEFAULT_INITIATOR[kind];
      initiator = initiatorMaterial(kms, initiatorUri, time);
      receiver = { uri: receiverUri, kmsUri: kms.kmsUri, keyPeriod: kms.keyPeriod, keyPeriodOffset: kms.keyPeriodOffset, zT: kms.sakke.zT };
      const period = keyPeriodNumber(ntp.seconds, kms.keyPeriod, kms.keyPeriodOffset);
      mkdirSync(domainDir, { recursive: true });
      writeFileSync(join(domainDir, 'kms-cert.xml'), writeKmsCertificate({ kmsUri: kms.kmsUri, userKeyPeriod: kms.keyPeriod, userKeyOffset: kms.keyPeriodOffset, pubEncKey: kms.sakke.zT, pubAuthKey: kms.eccsi.kpak }));
      const rx = receiverKeys(kms, receiverUri, time);
      const rxSign = initiatorMaterial(kms, receiverUri, time);
      writeFileSync(join(domainDir, 'receiver-keys.xml'), writeKmsKeySet({ kmsUri: kms.kmsUri, userUri: receiverUri, userId: uidAt(receiverUri, kms, ntp.seconds), keyPeriodNo: period,
        userDecryptKey: rx.receiver.rsk, userSigningKeySSK: rxSign.ssk, userPubTokenPVT: rxSign.pvt }));
      const ix = receiverKeys(kms, initiatorUri, time);
      writeFileSync(join(domainDir, 'initiator-keys.xml'), writeKmsKeySet({ kmsUri: kms.kmsUri, userUri: initiatorUri, userId: uidAt(initiatorUri, kms, ntp.seconds), keyPeriodNo: period,
        userDecryptKey: ix.receiver.rsk, userSigningKeySSK: initiator.ssk, userPubTokenPVT: initiator.pvt }));
    } else {
      const certPath = stringArg(args, 'kms-cert');
      const keysPath = stringArg(args, 'initiator-keys');
      if (!certPath || !keysPath) throw new UsageError('give --test-domain <dir>, or --kms-cert and --initiator-keys');
      const cert = readKmsCertificate(readFile(certPath, '--kms-cert'));
      if (!cert.ok) throw new UsageError(`--kms-cert ${certPath}: ${cert.reason}`);
      const icertPath = stringArg(args, 'initiator-kms-cert');
      const icert = icertPath ? readKmsCertificate(readFile(icertPath, '--initiator-kms-cert')) : cert;
      if (!icert.ok) throw new UsageError(`--initiator-kms-cert ${icertPath}: ${icert.reason}`);
      const keys = readKmsKeySet(readFile(keysPath, '--initiator-keys'));
      if (!keys.ok) throw new UsageError(`--initiator-keys ${keysPath}: ${keys.reason}`);
      if (!keys.value.userSigningKeySSK || !keys.value.userPubTokenPVT) throw new UsageError(`--initiator-keys ${keysPath}: needs UserSigningKeySSK and UserPubTokenPVT`);
      initiator = { uri: keys.value.userUri, kmsUri: icert.value.kmsUri, keyPeriod: icert.value.userKeyPeriod, keyPeriodOffset: icert.value.userKeyOffset,
        ssk: keys.value.userSigningKeySSK, pvt: keys.value.userPubTokenPVT, kpak: icert.value.pubAuthKey, zT: icert.value.pubEncKey };
      receiver = { uri: receiverUri, kmsUri: cert.value.kmsUri, keyPeriod: cert.value.userKeyPeriod, keyPeriodOffset: cert.value.userKeyOffset, zT: cert.value.pubEncKey };
    }

    const groupIds = args.values['group-id'] as string[] | undefined;
    const keyParamsWanted = args.values['no-key-parameters'] ? false : args.values['key-parameters'] || groupIds || args.values.text !== undefined || args.values.status !== undefined ? true : undefined;
    const built = buildIMessage({
      kind, initiator, receiver, key, keyId, time,
      sakkeToSelf: args.values['sakke-to-self'] === true,
      hide: { initiator: args.values['hide-initiator'] === true, receiver: args.values['hide-receiver'] === true },
      keyParameters: keyParamsWanted === false ? false : keyParamsWanted ? {
        ...(groupIds ? { groupIds } : {}), ...(args.values.text !== undefined ? { text: stringArg(args, 'text') } : {}),
        ...(args.values.status !== undefined ? { status: intArg(args, 'status', { min: 0, max: 0xffffffff }) } : {}),
      } : undefined,
      cryptoSessions: csIds,
      mutate: mutate as RuleId | undefined,
    });
    const out = stringArg(args, 'out');
    if (out) writeFileSync(out, `${hex(built.bytes)}\n`);
    const info = {
      kind, message: out ? `written to ${out} (${built.bytes.length} octets)` : hex(built.bytes), key: hex(built.key),
      keyId: `0x${built.keyId.toString(16).padStart(8, '0')}`, csbId: `0x${built.csbId.toString(16).padStart(8, '0')}`,
      initiator: initiator.uri, receiver: receiver.uri, ...(domainDir ? { testDomain: domainDir } : {}), ...(mutate ? { mutation: mutate } : {}),
    };
    if (args.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    else for (const [k, v] of Object.entries(info)) process.stdout.write(`${`${k}:`.padEnd(12)} ${v}\n`);
    return 0;
  },
};

