// Reference customer portal landing page (portal-token-server): checks a portal token in the
// browser the way a portal checks it, with nothing but the platform (WebCrypto, fetch).
//
// 1. The token comes from the URL fragment, #token=<JWT>, or from ?token= (the portal_link form,
//    <portal_url>/portal/customer?token=<JWT>). The fragment is never sent to a server: no proxy,
//    access log or Referer header sees a token given that way, so a portal should prefer it. Like
//    upstream's portal, the page keeps the token in sessionStorage and takes it out of the address
//    bar, so it is not left in the history; a reload still finds it. A link that brings another
//    token than the one this tab holds replaces it, and the page says so, naming both customers.
// 2. EdDSA (Ed25519) and ES256 (P-256) signatures are verified with WebCrypto against the key the
//    token's header names (kid) in /.well-known/jwks.json. An HS256 token is signed with a shared
//    secret, which a browser must never hold: the page says it cannot verify it.
// 3. exp is checked; then the customer, tenant and scopes are shown with a live countdown, and at
//    expiry the page refuses the token.
//
// A real portal does the same on its server (where the token authorizes every API call) and also
// checks iss and aud against the values it expects.

const TOKEN_PARAMETER = 'token';
const STORAGE_KEY = 'portal-token';
const JWKS_URL = '/.well-known/jwks.json';

/** How WebCrypto verifies each accepted JWS algorithm, and the kind of JWK it takes. */
const ALGORITHMS = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519', importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' } },
  ES256: {
    kty: 'EC',
    crv: 'P-256',
    importAs: { name: 'ECDSA', namedCurve: 'P-256' },
    // A JWS ES256 signature is the raw 64 bytes r || s, the form WebCrypto's ECDSA verifies.
    verifyAs: { name: 'ECDSA', hash: 'SHA-256' },
  },
};

/** A token the page does not accept; the message says why. */
class Refused extends Error {}

/** A token the page cannot check (HS256); the message says why. */
class Unverifiable extends Error {}

const element = (id) => document.getElementById(id);

/**
 * The token to show, from the fragment (#token=), else the query (?token=), else this tab's session;
 * both are taken out of the address bar. `replaced` is the token the session held before, when the
 * URL brought another one.
 */
function takeToken() {
  const params = new URLSearchParams(window.location.search);
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromUrl = fragment.get(TOKEN_PARAMETER) ?? params.get(TOKEN_PARAMETER);
  const held = sessionStorage.getItem(STORAGE_KEY);
  if (fromUrl === null) {
    return { token: held, replaced: null };
  }
  sessionStorage.setItem(STORAGE_KEY, fromUrl);
  params.delete(TOKEN_PARAMETER);
  fragment.delete(TOKEN_PARAMETER);
  const query = params.toString();
  const hash = fragment.toString();
  history.replaceState(null, '', window.location.pathname + (query ? `?${query}` : '') + (hash ? `#${hash}` : ''));
  return { token: fromUrl, replaced: held !== null && held !== fromUrl ? held : null };
}

/** The customer (sub) a token names, read without verifying it, for a notice; null when unreadable. */
function customerOf(token) {
  try {
    const { sub } = parse(token.trim()).claims;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

/** Says that the link replaced the token this tab held, and which customer the page shows now. */
function showReplaced(previous, current) {
  const notice = element('replaced');
  const before = customerOf(previous);
  const now = customerOf(current);
  notice.textContent = `This link replaced the token this tab held${before ? ` (customer ${before})` : ''}: `
    + `the page now shows ${now ? `customer ${now}` : 'the token the link brought'}.`;
  notice.hidden = false;
}

function base64UrlBytes(text, what) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new Refused(`The token's ${what} is not base64url.`);
  }
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '=='.slice(0, (4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function jsonObject(bytes, what) {
  let value;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    value = null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Refused(`The token's ${what} is not a JSON object.`);
  }
  return value;
}

/** Splits a compact JWS into its decoded header and claims, the signed bytes and the signature. */
function parse(token) {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw new Refused('This is not a signed token: a compact JWS has three parts separated by dots.');
  }
  return {
    header: jsonObject(base64UrlBytes(parts[0], 'header'), 'header'),
    claims: jsonObject(base64UrlBytes(parts[1], 'payload'), 'payload'),
    signingInput: new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    signature: base64UrlBytes(parts[2], 'signature'),
  };
}

/** The published public key the header names, imported for the header's algorithm. */
async function publicKey(header, algorithm) {
  if (typeof header.kid !== 'string') {
    throw new Refused('The token does not name the key that signed it (no kid in its header).');
  }
  let keys;
  try {
    const response = await fetch(JWKS_URL, { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    ({ keys } = await response.json());
  } catch (e) {
    throw new Refused(`The public keys could not be fetched from ${JWKS_URL} (${e.message}).`);
  }
  const jwk = Array.isArray(keys) ? keys.find((k) => k.kid === header.kid) : undefined;
  if (!jwk) {
    throw new Refused(`No published key has the token's kid ${header.kid}: the key is unknown or retired.`);
  }
  if (jwk.alg !== header.alg || jwk.kty !== algorithm.kty || jwk.crv !== algorithm.crv) {
    throw new Refused(`Key ${header.kid} is published for ${jwk.alg}, but the token says ${header.alg}.`);
  }
  const publicMembers = jwk.kty === 'EC' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
    : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  try {
    return await crypto.subtle.importKey('jwk', publicMembers, algorithm.importAs, false, ['verify']);
  } catch (e) {
    if (e.name === 'NotSupportedError') {
      throw new Refused(`This browser cannot verify ${header.alg} (${algorithm.crv}) signatures with WebCrypto.`);
    }
    throw new Refused(`Key ${header.kid} could not be read (${e.message}).`);
  }
}

/** Verifies the token and returns its header and claims, or throws Refused / Unverifiable. */
async function verify(token) {
  const { header, claims, signingInput, signature } = parse(token.trim());
  if (header.alg === 'HS256') {
    throw new Unverifiable('HS256 tokens are signed with a shared secret, and a browser must never hold that '
      + 'secret, so this page cannot verify them. Verify HS256 tokens on your portal\'s server; for a page '
      + 'like this one, have the server sign with EdDSA or ES256 (PORTAL_TOKEN_ALG).');
  }
  const algorithm = Object.hasOwn(ALGORITHMS, header.alg) ? ALGORITHMS[header.alg] : undefined;
  if (!algorithm) {
    throw new Refused(`The token's algorithm ${JSON.stringify(header.alg)} is not accepted: only EdDSA and ES256 are.`);
  }
  if (!window.crypto || !crypto.subtle) {
    throw new Refused('WebCrypto is only available on secure origins: open this page over HTTPS (or on localhost).');
  }
  const key = await publicKey(header, algorithm);
  if (!await crypto.subtle.verify(algorithm.verifyAs, key, signature, signingInput)) {
    throw new Refused('The signature does not match: the token was altered, or signed by another key.');
  }
  if (!Number.isInteger(claims.exp)) {
    throw new Refused('The token has no expiry (exp): this server\'s tokens always expire.');
  }
  if (claims.exp * 1000 <= Date.now()) {
    throw new Refused(expired(claims.exp));
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw new Refused('The token names no customer (sub).');
  }
  return { header, claims };
}

/** "1 d 2 h 3 min 4 s", largest unit first, whole seconds (rounded down). */
function duration(millis) {
  let seconds = Math.max(0, Math.floor(millis / 1000));
  const parts = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60]]) {
    if (seconds >= size || parts.length > 0) {
      parts.push(`${Math.floor(seconds / size)} ${unit}`);
      seconds %= size;
    }
  }
  parts.push(`${seconds} s`);
  return parts.join(' ');
}

function expired(exp) {
  return `The token expired ${duration(Date.now() - exp * 1000)} ago (at ${new Date(exp * 1000).toISOString()}).`;
}

function show(state, headline, reason) {
  element('portal').dataset.state = state;
  element('headline').textContent = headline;
  element('reason').textContent = reason;
  element('details').hidden = state !== 'verified';
}

function showScopes(scope) {
  const list = element('scopes');
  list.replaceChildren();
  if (typeof scope !== 'string') {
    list.textContent = 'not restricted (the token carries no scope claim)';
    return;
  }
  for (const name of scope.split(' ').filter((s) => s !== '')) {
    const pill = document.createElement('span');
    pill.className = 'scope';
    pill.textContent = name;
    list.append(pill);
  }
}

/** Updates the countdown every second; at expiry the token is refused. */
function countDown(exp) {
  const tick = () => {
    const left = exp * 1000 - Date.now();
    if (left <= 0) {
      clearInterval(timer);
      show('refused', 'Token refused', expired(exp));
      return;
    }
    element('countdown').textContent = `in ${duration(left)}`;
  };
  const timer = setInterval(tick, 1000);
  tick();
}

/**
 * The deep link's parameters this page was opened with, as upstream Meteroid's portal reads them:
 * a page of the full portal (page, and sub for one subscription), or a widget (embed, and
 * subscription), and the presentation overrides of its embed package. A real portal opens that view.
 */
const VIEW_PARAMETERS = ['page', 'sub', 'embed', 'subscription', 'theme', 'accent', 'radius', 'bg', 'surface', 'text',
  'border', 'count', 'branding', 'nav'];

function showView() {
  const params = new URLSearchParams(window.location.search);
  const list = element('view');
  list.replaceChildren();
  for (const name of VIEW_PARAMETERS.filter((n) => params.has(n))) {
    const pill = document.createElement('code');
    pill.className = 'view';
    pill.textContent = `${name}=${params.get(name)}`;
    list.append(pill, ' ');
  }
  if (list.children.length === 0) {
    list.textContent = 'the overview (the link chose no page or widget)';
  }
}

function showVerified({ header, claims }) {
  element('customer').textContent = claims.sub;
  element('tenant').textContent = String(claims.tenant_id ?? '(none)');
  showScopes(claims.scope);
  element('expires-at').textContent = `(${new Date(claims.exp * 1000).toLocaleString()})`;
  element('signature').textContent = `${header.alg}, key ${header.kid}`;
  element('issuer').textContent = String(claims.iss ?? '(none)');
  element('audience').textContent = String(claims.aud ?? '(none)');
  showView();
  show('verified', 'Signature verified', 'This token was signed by the server\'s published key and has not expired.');
  countDown(claims.exp);
}

async function run() {
  const { token, replaced } = takeToken();
  if (!token) {
    show('refused', 'No token', 'Open this page as <portal_url>/portal/customer#token=<JWT> (or ?token=<JWT>).');
    return;
  }
  if (replaced) {
    showReplaced(replaced, token);
  }
  try {
    showVerified(await verify(token));
  } catch (e) {
    if (e instanceof Unverifiable) {
      show('unverifiable', 'Cannot verify an HS256 token here', e.message);
    } else if (e instanceof Refused) {
      show('refused', 'Token refused', e.message);
    } else {
      show('refused', 'Token refused', `It could not be checked: ${e.message}`);
    }
  }
}

run();
