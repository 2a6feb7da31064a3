// Usage: PORTAL_API_KEY=pt_live_... node mint-portal-link.js http://localhost:8080 CUSTOMER_ID_OR_ALIAS
import { Configuration, CustomersApi } from "portal-token-client";

const [serverUrl, customer] = process.argv.slice(2);
const customers = new CustomersApi(
  new Configuration({ basePath: serverUrl, accessToken: process.env.PORTAL_API_KEY }),
);

const minted = await customers.createPortalToken({
  idOrAlias: customer,
  customerPortalTokenRequest: { expiresInSeconds: 3600 }, // leave out for the default (24 h)
});
console.log(minted.portalLink); // <portal_url>/portal/customer?token=<token>
