import { test, expect } from '@playwright/test';
import { expectedFields, formatFields, splitAuthorisedUri } from '../suites/kms/checks/authorisation.ts';
import { refusalOf } from '../suites/kms/checks/answer.ts';
import type { KmsExchange } from '../lib/kms-xml/client.ts';
import { openKmsResponse } from '../lib/kms-xml/open.ts';
import { kmsResponseXml } from '../lib/kms-xml/build.ts';

/** The pure parts of the KMS suite's checks, against the spec's own examples. */

test('J.3.4.2 and J.3.4.3: the authorised identity examples come out of their scopes', () => {
  const user = expectedFields([
    '3gpp:mc:auth:role:client:ptt',
    '3gpp:mc:auth:offnet:mcptt:use',
    '3gpp:mc:auth:offnet:mcptt:group_call_announcement',
    '3gpp:mc:auth:offnet:mcptt:emergency_alert_announcement',
    '3gpp:mc:auth:offnet:mcptt:call_setup_req',
  ]);
  expect(formatFields(user)).toBe('mc-role-client=01&mc-offnet-mcptt=0f');
  const dispatcher = expectedFields([
    '3gpp:mc:auth:role:client:ptt', '3gpp:mc:auth:role:client:video', '3gpp:mc:auth:role:client:data',
    '3gpp:mc:auth:priv:mcptt:automatic_private_call', '3gpp:mc:auth:priv:mcptt:ambient_listening', '3gpp:mc:auth:priv:mcptt:unnotified_remote_call',
    '3gpp:mc:auth:priv:mcvideo:automatic_private_call', '3gpp:mc:auth:priv:mcvideo:automatic_remote_video_push', '3gpp:mc:auth:priv:mcvideo:ambient_viewing',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_req', '3gpp:mc:auth:priv:mcdata:sds:unnotified_standalone_session_req', '3gpp:mc:auth:priv:mcdata:sds:unnotified_session_req',
    '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_standalone_req', '3gpp:mc:auth:priv:mcdata:sds:unnotified_group_req', '3gpp:mc:auth:priv:mcdata:fd:mandatory_req',
    '3gpp:mc:auth:priv:mcdata:fd:mandatory_group_req',
  ]);
  expect(formatFields(dispatcher)).toBe('mc-role-client=07&mc-priv-mcptt=07&mc-priv-mcvideo=07&mc-priv-mcdata=7f');
  expect(splitAuthorisedUri('sip:mc.user@example.org?mc-role-client=01&mc-offnet-mcptt=0f')).toEqual({ base: 'sip:mc.user@example.org', headers: [['mc-role-client', '01'], ['mc-offnet-mcptt', '0f']] });
});

function exchange(status: number, body: string): KmsExchange {
  return {
    label: 't',
    url: 'https://k/keymanagement/identity/v1/init',
    method: 'POST',
    requestXml: '',
    http: { ok: true, status, headers: {}, bodyText: body, truncated: false, durationMs: 1 },
    opened: body ? openKmsResponse(body, { userUri: 'sip:a@x' }) : undefined,
  };
}

test('refusals: 4xx or KmsError without KmsMessage; a KmsMessage or an empty 2xx is acceptance; 5xx tells nothing', () => {
  const base = { userUri: 'sip:a@x', kmsUri: 'kms.x', time: '2026-01-01T00:00:00Z', clientReqUrl: 'https://k/init' };
  expect(refusalOf(exchange(401, '')).refused).toBe(true);
  expect(refusalOf(exchange(200, kmsResponseXml({ ...base, error: { code: '403', message: 'no' } }))).refused).toBe(true);
  expect(refusalOf(exchange(200, kmsResponseXml({ ...base, message: { lookup: { kmsUris: ['kms.x'] } } }))).refused).toBe(false);
  expect(refusalOf(exchange(204, '')).refused).toBe(false);
  expect(refusalOf(exchange(503, '')).refused).toBe(undefined);
  expect(refusalOf({ ...exchange(200, ''), http: { ok: false, error: 'ECONNREFUSED', durationMs: 1 } }).refused).toBe(undefined);
});
