import * as oauth from 'oauth4webapi';
import { signIn } from './session';

/** An issuer a browser may sign in at, as `GET /auth/sign-in-options` lists it. */
export interface BrowserIssuer {
  kind: string;
  issuer: string;
  clientId: string;
  scope: string;
  audience: string;
  dpop: string;
}

/** What the page keeps across the redirect to the issuer and back (sessionStorage: this tab only). */
interface PendingSignIn extends BrowserIssuer {
  verifier: string;
  state: string;
  nonce: string;
}

const PENDING = 'samplan.oidc.pending';
const redirectUri = () => new URL('/', window.location.href).toString();

/** Plain http is for a provider on this machine only (development, tests); anything else must be https. */
const insecureAllowed = (issuer: URL) => issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);

async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const response = await oauth.discoveryRequest(url, { algorithm: 'oidc', [oauth.allowInsecureRequests]: insecureAllowed(url) });
  return oauth.processDiscoveryResponse(url, response);
}

/**
 * Authorization code with PKCE (oauth4webapi), as a public client: to the issuer's authorize
 * endpoint with a code challenge, asking for Samplan's audience as the resource (ID-porten's way).
 * Tokens are kept in this tab's session only. DPoP-bound issuers are not offered yet.
 */
export async function startSignIn(issuer: BrowserIssuer): Promise<void> {
  const server = await discover(issuer.issuer);
  if (!server.authorization_endpoint) throw new Error(`${issuer.issuer} names no authorization endpoint`);
  const pending: PendingSignIn = { ...issuer, verifier: oauth.generateRandomCodeVerifier(), state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce() };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.searchParams.set('client_id', issuer.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', issuer.scope);
  url.searchParams.set('resource', issuer.audience);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  window.location.assign(url);
}

/**
 * Back from the issuer (`?code=…&state=…` on this page): checks the state, exchanges the code with
 * its verifier, and signs the person in with the access token. False when this is no such return.
 */
export async function finishSignIn(): Promise<boolean> {
  const raw = sessionStorage.getItem(PENDING);
  const current = new URL(window.location.href);
  if (!raw || (!current.searchParams.has('code') && !current.searchParams.has('error'))) return false;
  sessionStorage.removeItem(PENDING);
  // The code is good once: take it out of the address bar and history whatever happens next.
  window.history.replaceState(null, '', redirectUri());
  const pending = JSON.parse(raw) as PendingSignIn;
  const server = await discover(pending.issuer);
  const client: oauth.Client = { client_id: pending.clientId };
  const params = oauth.validateAuthResponse(server, client, current, pending.state);
  const options = { additionalParameters: { resource: pending.audience }, [oauth.allowInsecureRequests]: insecureAllowed(new URL(pending.issuer)) };
  const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), params, redirectUri(), pending.verifier, options);
  const tokens = await oauth.processAuthorizationCodeResponse(server, client, response, { expectedNonce: pending.nonce, requireIdToken: false });
  // ID-porten's tokens carry no name: the person is shown as Samplan knows them.
  const me = await fetch(new URL('/graphql', window.location.href), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.access_token}` },
    body: JSON.stringify({ query: '{ me { person { displayName } } }' }),
  });
  const body = (await me.json()) as { data?: { me: { person: { displayName: string } } }; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `sign-in refused (${me.status})`);
  signIn({ token: tokens.access_token, name: body.data.me.person.displayName, kind: pending.kind === 'personnel' ? 'personnel' : 'citizen' });
  return true;
}
