import { test, expect } from '@playwright/test';
import { authorisedIdentity } from './authorised-identity.ts';

const auth = (s: string) => `3gpp:mc:auth:${s}`;

test('J.3.4.2 PTT user on and off network', () => {
  const scopes = [
    'openid',
    auth('role:client:ptt'),
    auth('offnet:mcptt:use'),
    auth('offnet:mcptt:group_call_announcement'),
    auth('offnet:mcptt:emergency_alert_announcement'),
    auth('offnet:mcptt:call_setup_req'),
  ];
  expect(authorisedIdentity('sip:mc.user@example.org', scopes)).toBe('sip:mc.user@example.org?mc-role-client=01&mc-offnet-mcptt=0f');
});

test('J.3.4.3 dispatcher with every on-network privilege', () => {
  const scopes = [
    ...['ptt', 'video', 'data'].map((s) => auth(`role:client:${s}`)),
    ...['automatic_private_call', 'ambient_listening', 'unnotified_remote_call'].map((s) => auth(`priv:mcptt:${s}`)),
    ...['automatic_private_call', 'automatic_remote_video_push', 'ambient_viewing'].map((s) => auth(`priv:mcvideo:${s}`)),
    ...[
      'sds:unnotified_req',
      'sds:unnotified_standalone_session_req',
      'sds:unnotified_session_req',
      'sds:unnotified_group_standalone_req',
      'sds:unnotified_group_req',
      'fd:mandatory_req',
      'fd:mandatory_group_req',
    ].map((s) => auth(`priv:mcdata:${s}`)),
  ];
  expect(authorisedIdentity('sip:mc.dispatcher@example.org', scopes)).toBe(
    'sip:mc.dispatcher@example.org?mc-role-client=07&mc-priv-mcptt=07&mc-priv-mcvideo=07&mc-priv-mcdata=7f',
  );
});

test('no authorisation scopes: no authorised identity; unknown ones are ignored', () => {
  expect(authorisedIdentity('sip:a@example.org', ['openid', '3gpp:mc:ptt_key_management_service'])).toBeUndefined();
  expect(authorisedIdentity('sip:a@example.org', [auth('role:client:unknown')])).toBeUndefined();
});
