import dev.portaltoken.client.ApiClient;
import dev.portaltoken.client.api.CustomersApi;
import dev.portaltoken.client.model.CustomerPortalTokenRequest;
import dev.portaltoken.client.model.CustomerPortalTokenResponse;

/** Usage: PORTAL_API_KEY=pt_live_... java MintPortalLink http://localhost:8080 CUSTOMER_ID_OR_ALIAS */
public class MintPortalLink {
    public static void main(String[] args) throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri(args[0]);
        String apiKey = System.getenv("PORTAL_API_KEY");
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + apiKey));

        CustomerPortalTokenResponse minted = new CustomersApi(client)
                .createPortalToken(args[1], new CustomerPortalTokenRequest().expiresInSeconds(3600));
        System.out.println(minted.getPortalLink()); // <portal_url>/portal/customer?token=<token>
    }
}
