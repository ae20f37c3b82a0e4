import type { ComponentContext, RunningComponent } from '../component.ts';
import type { KmsTrust } from '../idms/index.ts';
import { toHex } from '../../lib/crypto/bytes.ts';
import type { KmsTarget } from '../../lib/target/types.ts';
import { createTokenVerifier } from './access-token.ts';
import { EXTERNAL_KMSS, HOME_SIP_DOMAIN, KMS_BASE_PATH, KMS_URI } from './config.ts';
import { createKmsHandler, errorResponse } from './handler.ts';
import { startHttpServer } from './http-server.ts';
import { KeyStore } from './key-store.ts';
import { TransportKeyRing } from './transport-keys.ts';
import { kmsXmlCodec } from './xml-codec.ts';

/** A symmetric key in the target file's YAML form: the value comes from the environment. */
type YamlKey = { id: string; keyHex: { env: string } };

/** J.3.4.2: an MCPTT client on and off network, the authorisations the suite asks the IdMS for. */
const AUTHORISED_IDENTITY_SCOPES = [
  '3gpp:mc:auth:role:client:ptt',
  '3gpp:mc:auth:offnet:mcptt:use',
  '3gpp:mc:auth:offnet:mcptt:group_call_announcement',
  '3gpp:mc:auth:offnet:mcptt:emergency_alert_announcement',
  '3gpp:mc:auth:offnet:mcptt:call_setup_req',
];

/** Environment variables the KMS section of the target file refers to for the bootstrap keys. */
export const TRK_ENV = 'MCX_REF_TRK';
export const INK_ENV = 'MCX_REF_INK';
const WRONG_AUDIENCE_TOKEN_ENV = 'MCX_REF_KMS_WRONG_AUDIENCE_ACCESS_TOKEN';

/**
 * Starts the reference KMS (5.3, Annex D) on 127.0.0.1. Access tokens are
 * checked against `trust` (the reference IdMS); without one, no token is
 * accepted.
 */
export async function startKms(ctx: ComponentContext, trust: KmsTrust | undefined): Promise<RunningComponent> {
  const keys = new TransportKeyRing();
  const keyStore = new KeyStore(ctx.workDir, ctx.faults);
  const codec = kmsXmlCodec(ctx.faults);
  const verifyToken = trust
    ? createTokenVerifier(trust, ctx.tls.caPem, ctx.faults)
    : async () => ({ ok: false as const, status: 401 as const, error: 'invalid_token' as const, reason: 'this KMS has no IdMS to trust' });
  const handler = createKmsHandler({ codec, verifyToken, keyStore, keys, faults: ctx.faults });
  const plain = ctx.faults.has('kms.plain-http');
  const http = await startHttpServer(ctx.host, plain ? undefined : ctx.tls, handler, (status, reason) =>
    errorResponse(codec, status, status === 413 ? 'too-large' : 'refused', reason),
    { alsoCbc: ctx.faults.has('kms.tls-also-accepts-cbc') },
  );
  const baseUrl = `${plain ? 'http' : 'https'}://${ctx.host}:${http.port}${KMS_BASE_PATH}`;
  const kms: Omit<KmsTarget, 'trk' | 'ink' | 'wrongAudienceAccessToken'> & { trk: YamlKey; ink: YamlKey; wrongAudienceAccessToken?: { env: string } } = {
    baseUrl,
    kmsUri: KMS_URI,
    trk: { id: keys.bootstrapTrk.id, keyHex: { env: TRK_ENV } },
    ink: { id: keys.bootstrapInk.id, keyHex: { env: INK_ENV } },
    externalKmsUris: EXTERNAL_KMSS.map((e) => e.kmsUri),
    lookup: { userUri: `sip:someone@${EXTERNAL_KMSS[0].sipDomain}`, expectedKmsUri: EXTERNAL_KMSS[0].kmsUri },
    authorisedIdentityScopes: AUTHORISED_IDENTITY_SCOPES,
    keyprov: { groupUri: 'sip:group-1@mcx.example.org', serverUri: 'sip:mcptt-server@mcx.example.org' },
    ...(trust?.wrongAudienceAccessToken ? { wrongAudienceAccessToken: { env: WRONG_AUDIENCE_TOKEN_ENV } } : {}),
  };
  return {
    target: { kms },
    secretEnv: {
      [TRK_ENV]: toHex(keys.bootstrapTrk.key),
      [INK_ENV]: toHex(keys.bootstrapInk.key),
      ...(trust?.wrongAudienceAccessToken ? { [WRONG_AUDIENCE_TOKEN_ENV]: trust.wrongAudienceAccessToken } : {}),
    },
    ics: {
      'kms.signed-requests': true,
      'kms.signed-responses': true,
      'kms.trk-encryption': true,
      'kms.clear-key-sets': !ctx.faults.has('kms.undeclared-clear-key-sets'),
      'kms.new-transport-keys': true,
      'kms.cert-cache': true,
      'kms.external-kms': EXTERNAL_KMSS.length > 0,
      'kms.cert': true,
      'kms.lookup': true,
      'kms.redirect-upload': true,
      'kms.authorised-identities': true,
    },
    endpoints: { 'KMS base URL': baseUrl, 'KMS URI': KMS_URI },
    stop: () => http.close(),
  };
}
