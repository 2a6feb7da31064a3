// The typescript-fetch client generated from the served contract, used the way a customer's
// backend would use it, against the live packaged server. Every token is verified independently of
// the server, through its JWKS URL, with `jose`. Every answer the suite (and the example it runs)
// receives is checked against the OpenAPI documents (conformance.ts). Neither tokens nor keys are
// ever printed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import {
  Configuration,
  CustomersApi,
  ErrorCode,
  ResponseError,
  RestErrorResponseFromJSON,
  TokenScope,
  instanceOfErrorCode,
  instanceOfRestErrorResponse,
  type CustomerPortalTokenResponse,
  type Middleware,
  type RestErrorResponse,
} from '../target/generated/portal-token-client/index.js';
import { check, checked, installCheckingFetch } from './conformance.js';
import { LiveServer } from './live-server.js';

installCheckingFetch();

const PORTAL_URL = 'https://portal.test.example';
const DEFAULT_AUDIENCE = 'customer-portal';
const DEFAULT_LIFETIME = 86_400;

let server: LiveServer;
let key: string;
let customer: string; // cus_ id of acme's customer with alias acme-42
let archived: string;
let otherTenantsCustomer: string;
let jwks: ReturnType<typeof createRemoteJWKSet>;

before(async () => {
  server = await LiveServer.start({ PORTAL_URL });
  await server.cli('tenant', 'create', '--slug', 'acme');
  await server.cli('tenant', 'create', '--slug', 'globex');
  key = await server.cli('api-key', 'create', '--tenant', 'acme');
  customer = await server.cli('customer', 'create', '--tenant', 'acme', '--alias', 'acme-42');
  archived = await server.cli('customer', 'create', '--tenant', 'acme', '--alias', 'gone');
  await server.cli('customer', 'archive', '--tenant', 'acme', archived);
  otherTenantsCustomer = await server.cli('customer', 'create', '--tenant', 'globex', '--alias', 'globex-7');
  assert.match(customer, /^cus_/);
  jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.baseUrl));
});

after(async () => {
  if (server) {
    assert.equal(await server.stop(), 0, 'SIGTERM stops the server cleanly');
    server.logCanary();
  }
  assert.ok(clientAnswers > 0, 'the generated client received answers');
  assert.ok(checked >= clientAnswers,
    `every answer went through the conformance check (${checked} checked, ${clientAnswers} received by the client)`);
});

/** Records the body each request of the generated client actually sends. */
function recordingBodies(): { middleware: Middleware; bodies: unknown[] } {
  const bodies: unknown[] = [];
  return { bodies, middleware: { pre: async ({ init }) => { bodies.push(init.body); } } };
}

/** Answers the generated client received, counted by the client itself (not by the check). */
let clientAnswers = 0;
const countAnswers: Middleware = { post: async () => { clientAnswers++; } };

function customers(apiKey: string | undefined, middleware: Middleware[] = []): CustomersApi {
  const all = [...middleware, countAnswers];
  return new CustomersApi(new Configuration({ basePath: server.baseUrl, accessToken: apiKey, middleware: all }));
}

/** Verifies a token through the JWKS URL with jose; checks sub, aud and exp - iat; returns its claims. */
async function verify(token: string, lifetime: number): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    audience: DEFAULT_AUDIENCE,
    algorithms: ['EdDSA'],
  });
  assert.equal(protectedHeader.alg, 'EdDSA');
  assert.ok(protectedHeader.kid, 'the token names its key');
  assert.equal(payload.sub, customer);
  assert.deepEqual([payload.aud].flat(), [DEFAULT_AUDIENCE]);
  assert.equal(typeof payload.iat, 'number');
  assert.equal(typeof payload.exp, 'number');
  assert.equal(payload.exp! - payload.iat!, lifetime);
  return payload;
}

/** Checks the five fields of a minted answer and its token; returns the token's claims. */
async function verifyMinted(minted: CustomerPortalTokenResponse, lifetime: number): Promise<JWTPayload> {
  assert.equal(minted.portalUrl, PORTAL_URL);
  assert.equal(typeof minted.token, 'string');
  assert.equal(minted.portalLink, `${PORTAL_URL}/portal/customer?token=${minted.token}`);
  assert.equal(minted.apiUrl, server.baseUrl, 'without PUBLIC_URL, the server\'s own address');
  const payload = await verify(minted.token, lifetime);
  assert.ok(minted.expiresAt instanceof Date, 'expires_at is parsed as a Date');
  assert.equal(minted.expiresAt.getTime(), payload.exp! * 1000, 'expires_at is the token\'s exp');
  return payload;
}

/** Awaits a call that must fail with `status`, and reads its body as the contract's RestErrorResponse. */
async function restError(call: Promise<unknown>, status: number): Promise<RestErrorResponse> {
  const error: unknown = await call.then(
    () => assert.fail(`expected HTTP ${status}, but a token was minted`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ResponseError, `expected the generated ResponseError, got ${String(error)}`);
  assert.equal(error.response.status, status);
  assert.match(error.response.headers.get('content-type') ?? '', /^application\/json/);
  const body: unknown = await error.response.json();
  assert.ok(typeof body === 'object' && body !== null && instanceOfRestErrorResponse(body),
    `not a RestErrorResponse: ${JSON.stringify(body)}`);
  const rest = RestErrorResponseFromJSON(body);
  assert.ok(instanceOfErrorCode(rest.code), `unknown ErrorCode ${rest.code}`);
  assert.equal(typeof rest.message, 'string');
  return rest;
}

describe('minting with the generated typescript-fetch client', () => {
  test('no body gets the default lifetime', async () => {
    const { middleware, bodies } = recordingBodies();
    const minted = await customers(key, [middleware]).createPortalToken({ idOrAlias: customer });
    assert.deepEqual(bodies, [undefined], 'the client sends no body');
    await verifyMinted(minted, DEFAULT_LIFETIME);
  });

  test('{} gets the default lifetime', async () => {
    const { middleware, bodies } = recordingBodies();
    const minted = await customers(key, [middleware])
      .createPortalToken({ idOrAlias: customer, customerPortalTokenRequest: {} });
    assert.deepEqual(bodies, ['{}']);
    await verifyMinted(minted, DEFAULT_LIFETIME);
  });

  test('an explicit lifetime is kept, and an alias addresses the customer', async () => {
    const { middleware, bodies } = recordingBodies();
    const minted = await customers(key, [middleware])
      .createPortalToken({ idOrAlias: 'acme-42', customerPortalTokenRequest: { expiresInSeconds: 3600 } });
    assert.deepEqual(bodies, ['{"expires_in_seconds":3600}']);
    await verifyMinted(minted, 3600);
  });

  test('a read-only scope, as upstream\'s SDKs send it, gets a read-only token', async () => {
    const { middleware, bodies } = recordingBodies();
    const minted = await customers(key, [middleware]).createPortalToken({
      idOrAlias: customer,
      customerPortalTokenRequest: { expiresInSeconds: null, scopes: [TokenScope.Read] },
    });
    assert.deepEqual(bodies, ['{"expires_in_seconds":null,"scopes":["read"]}']);
    const payload = await verifyMinted(minted, DEFAULT_LIFETIME);
    assert.equal(payload.scope, 'read');
  });

  test('without scopes the token has both', async () => {
    const payload = await verifyMinted(await customers(key).createPortalToken({ idOrAlias: customer }), DEFAULT_LIFETIME);
    assert.equal(payload.scope, 'read manage');
  });
});

describe('errors read as typed RestErrorResponse', () => {
  for (const seconds of [0, 59, 2_592_001]) {
    test(`400 for expires_in_seconds ${seconds}`, async () => {
      const error = await restError(customers(key)
        .createPortalToken({ idOrAlias: customer, customerPortalTokenRequest: { expiresInSeconds: seconds } }), 400);
      assert.equal(error.code, ErrorCode.BadRequest);
      assert.match(error.message, /between 60 and 2592000/);
    });
  }

  test('400 for an empty scope list', async () => {
    const error = await restError(customers(key)
      .createPortalToken({ idOrAlias: customer, customerPortalTokenRequest: { scopes: [] } }), 400);
    assert.equal(error.code, ErrorCode.BadRequest);
    assert.match(error.message, /^scopes must not be empty/);
  });

  test('401 without a key and with a wrong one', async () => {
    for (const apiKey of [undefined, 'pt_live_wrong/nope', `${key}x`]) {
      const error = await restError(customers(apiKey).createPortalToken({ idOrAlias: customer }), 401);
      assert.equal(error.code, ErrorCode.Unauthorized);
    }
  });

  test('404 for unknown, archived and other tenants\' customers', async () => {
    for (const idOrAlias of ['no-such-alias', archived, otherTenantsCustomer, 'globex-7']) {
      const error = await restError(customers(key)
        .createPortalToken({ idOrAlias, customerPortalTokenRequest: {} }), 404);
      assert.equal(error.code, ErrorCode.NotFound);
      assert.match(error.message, /customer not found/);
    }
  });
});

describe('the conformance check on every answer', () => {
  test('refuses answers the documents do not declare', () => {
    const mint = '/api/v1/customers/cus_x/portal-token';
    const error = '{"code":"NOT_FOUND","message":"customer not found"}';
    check('POST', mint, 404, 'application/json', error);
    assert.throws(() => check('POST', mint, 403, 'application/json', '{"code":"FORBIDDEN","message":"no"}'),
      /a status it does not declare/);
    assert.throws(() => check('POST', mint, 404, 'text/html', '<html></html>'), /Content-Type text\/html/);
    assert.throws(() => check('POST', mint, 404, 'application/json', '{"code":"GONE","message":"x"}'), /does not match/);
    assert.throws(() => check('POST', mint, 200, 'application/json', '{"token":"t"}'), /does not match/);
    assert.throws(() => check('GET', '/.well-known/jwks.json', 200, 'application/json',
      '{"keys":[{"kty":"OKP","kid":"k","alg":"EdDSA","use":"sig","d":"private"}]}'), /does not match/);
    assert.throws(() => check('GET', '/nowhere', 200, 'application/json', '{}'), /undocumented route/);
    check('GET', '/nowhere', 404, 'application/json', error);
    check('HEAD', '/healthz', 200, 'application/json', '');
    check('GET', '/metrics', 200, 'text/plain; version=0.0.4', '# TYPE x counter');
    // The admin document's responses are $refs to components/responses: followed, and their formats checked.
    const created = '/admin/v1/tenants/acme/customers';
    check('POST', created, 201, 'application/json', '{"id":"cus_1","archived":false,"created_at":"2026-01-02T03:04:05Z"}');
    assert.throws(() => check('POST', created, 201, 'application/json', '{"id":"cus_1","archived":false}'), /does not match/);
    assert.throws(() => check('POST', created, 201, 'application/json',
      '{"id":"cus_1","archived":false,"created_at":"yesterday"}'), /does not match/);
    assert.throws(() => check('POST', created, 418, 'application/json', error), /a status it does not declare/);
  });
});

describe('the committed example (examples/typescript/mint-portal-link.ts)', () => {
  test('prints a portal link whose token verifies', async () => {
    // Compiled beside the generated client by `npm run build`, and run as its usage line says, with
    // its answers checked against the documents like the suite's own.
    const example = fileURLToPath(new URL('../target/generated/mint-portal-link.js', import.meta.url));
    const hook = pathToFileURL(fileURLToPath(new URL('./conformance-hook.js', import.meta.url))).href;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', hook, example, server.baseUrl, 'acme-42'],
        { env: { ...process.env, PORTAL_API_KEY: key }, timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`example failed:\n${err}`)) : resolve(out)));
    });
    const link = stdout.trim();
    const prefix = `${PORTAL_URL}/portal/customer?token=`;
    assert.ok(link.startsWith(prefix), 'the example prints the portal link');
    await verify(link.slice(prefix.length), 3600);
  });

  test('README.md shows it exactly as committed', async () => {
    const root = new URL('../../../../../', import.meta.url); // from clients/typescript/target/js/test/
    const example = await readFile(new URL('examples/typescript/mint-portal-link.ts', root), 'utf8');
    const readme = await readFile(new URL('README.md', root), 'utf8');
    assert.ok(readme.includes('```ts\n' + example + '```\n'), 'README.md differs from the committed example');
  });
});
