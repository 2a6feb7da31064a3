// ES256 tokens signed by each implementation the server can sign with (PORTAL_SIGNER: AWS-LC,
// BouncyCastle, the JDK's SunEC), each from its own packaged server, verify with `jose` through the
// server's JWKS URL: the R || S signature form and the published P-256 key interoperate.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Configuration, CustomersApi } from '../target/generated/portal-token-client/index.js';
import { LiveServer } from './live-server.js';

const SIGNERS = ['aws-lc', 'bouncycastle', 'jdk'] as const;
const servers: LiveServer[] = [];

after(async () => {
  for (const server of servers) {
    assert.equal(await server.stop(), 0, 'SIGTERM stops the server cleanly');
  }
});

describe('ES256 from every signer verifies with jose', () => {
  for (const signer of SIGNERS) {
    test(`PORTAL_SIGNER=${signer}`, async () => {
      const server = await LiveServer.start({ PORTAL_TOKEN_ALG: 'ES256', PORTAL_SIGNER: signer });
      servers.push(server);
      await server.cli('tenant', 'create', '--slug', 'acme');
      const key = await server.cli('api-key', 'create', '--tenant', 'acme');
      const customer = await server.cli('customer', 'create', '--tenant', 'acme', '--alias', 'acme-42');
      assert.match(server.log(), new RegExp(`signer {7}${signer} \\(`), 'the banner names the forced signer');
      const customers = new CustomersApi(new Configuration({ basePath: server.baseUrl, accessToken: key }));
      const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.baseUrl));
      for (let i = 0; i < 3; i++) {
        const minted = await customers.createPortalToken({ idOrAlias: 'acme-42' });
        const { payload, protectedHeader } = await jwtVerify(minted.token, jwks, {
          audience: 'customer-portal',
          algorithms: ['ES256'],
        });
        assert.equal(protectedHeader.alg, 'ES256');
        assert.equal(payload.sub, customer);
        const [head, body, signature] = minted.token.split('.');
        const tampered = `${head}.${body}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
        await assert.rejects(jwtVerify(tampered, jwks, { algorithms: ['ES256'] }), 'a changed signature is refused');
      }
    });
  }
});
