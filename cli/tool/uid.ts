import { mikeySakkeUid, mikeySakkeUidInput, keyPeriodNumber, keyPeriodStart } from '../../lib/crypto/uid.ts';
import { ntpFromIso, ntpToIso } from '../../lib/crypto/ntp.ts';
import { toBase64 } from '../../lib/crypto/bytes.ts';
import { UsageError } from '../usage.ts';
import { intArg, parseIntText, parseToolArgs, printOutput, requiredStringArg, stringArg } from './args.ts';
import type { ToolSubcommand } from './index.ts';

/** `--time <ISO-8601 | ntp:<seconds>>` to NTP seconds. */
export function parseTimeArg(text: string, label = '--time'): number {
  if (/^ntp:/i.test(text)) return parseIntText(label, text.slice(4), { min: 0, max: 0xffffffff });
  const ts = ntpFromIso(text);
  if (!ts) throw new UsageError(`${label}: expected an ISO-8601 date-time with a zone (2026-11-23T12:00:00Z) or ntp:<seconds>, got '${text.slice(0, 60)}'`);
  return ts.seconds;
}

export const uidTool: ToolSubcommand = {
  name: 'uid',
  summary: 'MIKEY-SAKKE UID (TS 33.180 F.2.1) and key period number for a user, KMS and time',
  help: `usage: mcx-conformance tool uid --id <uri> --kms <uri> --period <seconds> --offset <seconds>
                                (--time <ISO-8601 | ntp:<seconds>> | --period-no <n>) [--json]

Computes the MIKEY-SAKKE UID of TS 33.180 F.2.1: SHA-256 over the F.2.1.1
string built from the MC service user ID (--id), the KMS identifier (--kms),
UserKeyPeriod (--period) and UserKeyOffset (--offset) of the KMS certificate,
and the key period number P5 = floor((TIME - offset) / period), TIME in NTP
seconds since 1900. Prints the UID in base64 and hex, the key period number,
the period's start and the hash input S.

example (F.2.1.2):
  mcx-conformance tool uid --id sip:user@example.org --kms kms.example.org \\
    --period 2592000 --offset 0 --time ntp:3599719634
`,
  async run(argv) {
    const args = parseToolArgs(argv, {
      id: { type: 'string', required: true },
      kms: { type: 'string', required: true },
      period: { type: 'string', required: true },
      offset: { type: 'string', required: true },
      time: { type: 'string' },
      'period-no': { type: 'string' },
    });
    const period = intArg(args, 'period', { min: 1 });
    const offset = intArg(args, 'offset', { min: 0 });
    if (offset >= period) throw new UsageError(`--offset: must be less than --period (F.2.1.1), got ${offset} >= ${period}`);
    const timeText = stringArg(args, 'time');
    const periodNoText = stringArg(args, 'period-no');
    if ((timeText === undefined) === (periodNoText === undefined)) throw new UsageError('give exactly one of --time and --period-no');
    let ntpSeconds: number | undefined;
    let keyPeriodNo: number;
    if (timeText !== undefined) {
      ntpSeconds = parseTimeArg(timeText);
      if (ntpSeconds < offset) throw new UsageError(`--time: ${ntpSeconds} (NTP seconds) is before the key period offset ${offset}`);
      keyPeriodNo = keyPeriodNumber(ntpSeconds, period, offset);
    } else {
      keyPeriodNo = intArg(args, 'period-no', { min: 0 });
    }
    const input = { userUri: requiredStringArg(args, 'id'), kmsUri: requiredStringArg(args, 'kms'), keyPeriod: period, keyPeriodOffset: offset, keyPeriodNo };
    const uid = mikeySakkeUid(input);
    const start = keyPeriodStart(keyPeriodNo, period, offset);
    printOutput(args.json, {
      uid: toBase64(uid),
      uidHex: uid,
      keyPeriodNo,
      ...(ntpSeconds !== undefined ? { ntpTime: ntpSeconds, time: ntpToIso({ seconds: ntpSeconds, fraction: 0 }) } : {}),
      keyPeriodStart: start <= 0xffffffff ? ntpToIso({ seconds: start, fraction: 0 }) : `ntp:${start}`,
      hashInput: mikeySakkeUidInput(input),
    });
    return 0;
  },
};
