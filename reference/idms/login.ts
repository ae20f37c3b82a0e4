import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { FaultSet } from '../fault.ts';
import type { AccountStore } from './accounts.ts';
import { escapeHtml, readForm, sendHtml } from './https-server.ts';
import { ACR_PASSWORD } from './scopes.ts';

/**
 * The IdMS's own login page (5.1.2.3.2 steps 3a/3b): a plain HTML form with
 * `username` and `password` fields and no script, so a browser and a plain
 * form post drive it alike. The grant itself is made by the IdMS (first-party
 * clients, see `grantAll` in primary.ts); with `consentPage` the user is
 * still asked to allow the client after the password step (C.1 step 3c), on
 * a page with one form and no password field, and the login completes only
 * when that form is posted.
 */
export const INTERACTION_PREFIX = '/interaction/';

export function interactionUrl(uid: string): string {
  return `${INTERACTION_PREFIX}${uid}`;
}

export type InteractionHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The interaction endpoint of one IdMS (its logins waiting for consent are its own). */
export function createInteractionHandler(provider: Provider, accounts: AccountStore, faults: FaultSet, options: { consentPage: boolean }): InteractionHandler {
  /** Logins that passed the password step and wait for consent, by interaction uid. */
  const awaitingConsent = new Map<string, { accountId: string; acr: string }>();
  return (req, res) => handleInteraction(provider, accounts, faults, req, res, { ...options, awaitingConsent });
}

async function handleInteraction(
  provider: Provider,
  accounts: AccountStore,
  faults: FaultSet,
  req: IncomingMessage,
  res: ServerResponse,
  { consentPage: withConsent, awaitingConsent }: { consentPage: boolean; awaitingConsent: Map<string, { accountId: string; acr: string }> },
): Promise<void> {
  const path = new URL(req.url ?? '/', 'https://idms.invalid').pathname;
  const [uid, action] = path.slice(INTERACTION_PREFIX.length).split('/');
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return sendHtml(res, 400, page('Sign-in', '<p class="error">This sign-in request is unknown or has expired. Start again from the application.</p>'));
  }
  if (details.uid !== uid) return sendHtml(res, 400, page('Sign-in', '<p class="error">Sign-in request mismatch.</p>'));

  if (details.prompt.name !== 'login') {
    // No other prompt is expected (grants are made in loadExistingGrant); finish it rather than strand the user.
    return provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
  }

  if (req.method === 'GET' && action === undefined) return sendHtml(res, 200, loginPage(uid, details.params.client_id as string));
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const user = faults.has('idms.rejects-every-password')
      ? undefined
      : faults.has('idms.accepts-wrong-password')
        ? accounts.users.find((u) => u.username === form?.get('username'))
        : accounts.authenticate(form?.get('username'), form?.get('password'));
    if (!user) return sendHtml(res, 401, loginPage(uid, details.params.client_id as string, 'Unknown username or wrong password.'));
    const acr = faults.has('idms.wrong-acr') ? 'urn:mace:incommon:iap:silver' : ACR_PASSWORD;
    if (withConsent && !faults.has('idms.skips-consent-page')) {
      awaitingConsent.set(uid!, { accountId: user.accountId, acr });
      return sendHtml(res, 200, consentPage(uid!, details.params.client_id as string, details.params.scope as string));
    }
    return finishLogin(provider, req, res, user.accountId, acr);
  }
  if (req.method === 'POST' && action === 'consent') {
    const waiting = awaitingConsent.get(uid!);
    if (!waiting) return sendHtml(res, 400, page('Consent', '<p class="error">Sign in first.</p>'));
    awaitingConsent.delete(uid!);
    return finishLogin(provider, req, res, waiting.accountId, waiting.acr);
  }
  if (req.method === 'POST' && action === 'abort') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted sign-in' }, { mergeWithLastSubmission: false });
  }
  res.writeHead(405, { allow: 'GET, POST', 'content-length': '0' });
  res.end();
}

function finishLogin(provider: Provider, req: IncomingMessage, res: ServerResponse, accountId: string, acr: string): Promise<void> {
  return provider.interactionFinished(req, res, { login: { accountId, acr, amr: ['pwd'], remember: false } }, { mergeWithLastSubmission: false });
}

function consentPage(uid: string, clientId: string, scope: string | undefined): string {
  return page(
    'Allow access',
    `<p><strong>${escapeHtml(clientId)}</strong> asks for: ${escapeHtml(scope ?? '')}.</p>
<form method="post" action="${escapeHtml(`${interactionUrl(uid)}/consent`)}"><input type="hidden" name="allow" value="yes"><button type="submit">Allow</button></form>
<form method="post" action="${escapeHtml(`${interactionUrl(uid)}/abort`)}"><button type="submit" class="link">Deny</button></form>`,
  );
}

function loginPage(uid: string, clientId: string, error?: string): string {
  const action = `${interactionUrl(uid)}/login`;
  return page(
    'Sign-in',
    `<p>Sign in to continue to <strong>${escapeHtml(clientId)}</strong>.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="${escapeHtml(interactionUrl(uid))}/abort"><button type="submit" class="link">Cancel</button></form>`,
  );
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} - MCX reference IdMS</title>
<style>body{font-family:sans-serif;max-width:22em;margin:3em auto}label,input,button{display:block;width:100%;margin:.3em 0}.error{color:#b00}.link{background:none;border:0;color:#555}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}
