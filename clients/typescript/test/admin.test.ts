// The typescript-fetch client generated from the admin API's document (openapi/admin.openapi.yaml),
// against the live packaged server with the admin API on its main port (PORTAL_ADMIN_API=main): an
// admin key manages a tenant's customers (create, get, update with If-Match, list, archive) and a
// tenant's API key creates a customer whose token the portal-token client then mints (the README's
// two calls). Every answer is checked against the OpenAPI documents (conformance.ts). Neither
// tokens nor keys are ever printed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  AuditApi,
  Configuration,
  CustomersApi,
  ResponseError,
  TenantCustomersApi,
  instanceOfRestErrorResponse,
  type Middleware,
} from '../target/generated/portal-token-admin-client/index.js';
import {
  Configuration as MintConfiguration,
  CustomersApi as MintApi,
} from '../target/generated/portal-token-client/index.js';
import { checked, installCheckingFetch } from './conformance.js';
import { LiveServer } from './live-server.js';

installCheckingFetch();

let server: LiveServer;
let adminKey: string;
let apiKey: string;

/** Answers the generated admin client received, counted by the client itself (not by the check). */
let clientAnswers = 0;
const countAnswers: Middleware = { post: async () => { clientAnswers++; } };

before(async () => {
  server = await LiveServer.start({ PORTAL_ADMIN_API: 'main' });
  await server.cli('tenant', 'create', '--slug', 'acme');
  apiKey = await server.cli('api-key', 'create', '--tenant', 'acme');
  adminKey = await server.cli('admin-key', 'create', '--name', 'ts-client');
  assert.match(adminKey, /^pt_admin_/);
});

after(async () => {
  if (server) {
    assert.equal(await server.stop(), 0, 'SIGTERM stops the server cleanly');
  }
  assert.ok(clientAnswers > 0, 'the generated admin client received answers');
  assert.ok(checked >= clientAnswers,
    `every answer went through the conformance check (${checked} checked, ${clientAnswers} received by the client)`);
});

function configuration(key: string): Configuration {
  return new Configuration({ basePath: server.baseUrl, accessToken: key, middleware: [countAnswers] });
}

/** Awaits a call that must fail with `status`; returns the RestErrorResponse's code. */
async function refused(call: Promise<unknown>, status: number): Promise<string> {
  const error: unknown = await call.then(() => assert.fail(`expected HTTP ${status}`), (e: unknown) => e);
  assert.ok(error instanceof ResponseError, `expected the generated ResponseError, got ${String(error)}`);
  assert.equal(error.response.status, status);
  const body: unknown = await error.response.json();
  assert.ok(typeof body === 'object' && body !== null && instanceOfRestErrorResponse(body),
    `not a RestErrorResponse: ${JSON.stringify(body)}`);
  return (body as { code: string }).code;
}

describe('the generated admin client', () => {
  test('an admin key creates, gets, updates with If-Match, lists and archives a tenant\'s customer', async () => {
    const operator = new TenantCustomersApi(configuration(adminKey));
    const created = await operator.adminCreateCustomerRaw({ tenant: 'acme',
      customerCreate: { alias: 'by-ts-client', name: 'TS Client' }, idempotencyKey: 'ts-admin-create-1' });
    assert.equal(created.raw.status, 201);
    const customer = await created.value();
    assert.match(customer.id, /^cus_/);
    assert.equal(created.raw.headers.get('location'), `/admin/v1/tenants/acme/customers/${customer.id}`);
    assert.equal(customer.alias, 'by-ts-client');
    assert.equal(customer.archived, false);
    assert.ok(customer.createdAt instanceof Date, 'created_at is parsed as a Date');

    const read = await operator.adminGetCustomerRaw({ tenant: 'acme', idOrAlias: 'by-ts-client' });
    const etag = read.raw.headers.get('etag');
    assert.ok(etag, 'an ETag');
    assert.deepEqual(await read.value(), customer, 'by alias, as created');

    const updated = await operator.adminUpdateCustomerRaw({ tenant: 'acme', idOrAlias: customer.id,
      customerUpdate: { email: 'billing@ts.example' }, ifMatch: etag });
    assert.equal((await updated.value()).email, 'billing@ts.example');
    assert.notEqual(updated.raw.headers.get('etag'), etag, 'a new version');
    assert.equal(await refused(operator.adminUpdateCustomer({ tenant: 'acme', idOrAlias: customer.id,
      customerUpdate: { name: 'Lost Update' }, ifMatch: etag }), 412), 'CONFLICT');
    assert.equal((await operator.adminGetCustomer({ tenant: 'acme', idOrAlias: customer.id })).name, 'TS Client',
      'the lost update changed nothing');

    const page = await operator.adminListCustomers({ tenant: 'acme', limit: 10, archived: false, aliasPrefix: 'by-ts' });
    assert.deepEqual(page.data.map((c) => c.id), [customer.id]);
    assert.equal(page.hasMore, false);

    const archived = await operator.adminArchiveCustomer({ tenant: 'acme', idOrAlias: customer.id,
      ifMatch: updated.raw.headers.get('etag') ?? undefined });
    assert.equal(archived.archived, true);
    assert.ok(archived.archivedAt instanceof Date);
    const events = await new AuditApi(configuration(adminKey)).listAuditEvents({ tenant: 'acme', limit: 1 });
    assert.equal(events.data[0]!.action, 'customer.archive');
    assert.equal(events.data[0]!.target, customer.id);
  });

  test('a tenant\'s key creates a customer and the portal-token client mints its token', async () => {
    const created = await new CustomersApi(configuration(apiKey))
      .createCustomer({ customerCreate: { alias: 'two-calls-ts' } });
    const minted = await new MintApi(new MintConfiguration({ basePath: server.baseUrl, accessToken: apiKey }))
      .createPortalToken({ idOrAlias: 'two-calls-ts' });
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.baseUrl));
    const { payload } = await jwtVerify(minted.token, jwks, { audience: 'customer-portal' });
    assert.equal(payload.sub, created.id);
  });

  test('each kind of key is refused where it may not go', async () => {
    assert.equal(await refused(new TenantCustomersApi(configuration(apiKey))
      .adminListCustomers({ tenant: 'acme' }), 403), 'FORBIDDEN');
    assert.equal(await refused(new CustomersApi(configuration(adminKey)).listCustomers(), 403), 'FORBIDDEN');
    assert.equal(await refused(new TenantCustomersApi(configuration(adminKey))
      .adminGetCustomer({ tenant: 'initech', idOrAlias: 'anyone' }), 404), 'NOT_FOUND');
  });
});
