package dev.portaltoken.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.ids.TokenIds;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.keys.TokenRejectedException;
import dev.portaltoken.keys.TokenVerifier;
import dev.portaltoken.token.RevocationRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "token", mixinStandardHelpOptions = true, description = "Inspect and revoke portal tokens.",
        footer = {"%nExample:", "  portal-token-server token verify < token.txt"})
final class TokenCommand extends CommandGroup {

    /** A command on one token, read from standard input when the argument is omitted or {@code -}. */
    private abstract static class OnToken extends DatabaseCommand {
        /** More than any token this server mints or verifies; standard input is not read past it. */
        private static final int MAX_TOKEN_BYTES = 64 * 1024;

        @Parameters(paramLabel = "TOKEN", arity = "0..1", defaultValue = "-",
                description = "The compact JWT; omitted or '-': read from standard input (keeps it out of shell"
                        + " history and ps).")
        String token;

        abstract void run(ConfigLoader settings, SigningKeys keys, DataSource dataSource, String token) throws Exception;

        @Override
        final void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            try (SigningKeys keys = SigningKeys.admin(dataSource, settings.signing(), settings.database().dataDir(),
                    SigningKeys.expected(settings.signing(), settings.tokenIssuer(), settings.tokenAudience()))) {
                run(settings, keys, dataSource, given());
            }
        }

        private String given() throws IOException {
            if (!"-".equals(token)) {
                return token;
            }
            byte[] read = context().in().readNBytes(MAX_TOKEN_BYTES + 1);
            if (read.length > MAX_TOKEN_BYTES) {
                throw Failure.invalid("standard input holds more than " + MAX_TOKEN_BYTES + " bytes: not a token");
            }
            String given = new String(read, StandardCharsets.UTF_8).strip();
            if (given.isEmpty()) {
                throw Failure.invalid("no token: give TOKEN, or pipe it on standard input");
            }
            return given;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a token against the current signing keys (and PORTAL_JWT_SECRET for HS256), its exp,"
                    + " its audience (PORTAL_TOKEN_AUDIENCE; unset: customer-portal for EdDSA and ES256, none for"
                    + " HS256) and the revocations.",
                    "Prints its header and claims (the granted scopes in scope) as JSON, or the reason it fails on"
                    + " one line with exit status 1."},
            footer = {"%nExample:", "  portal-token-server token verify < token.txt"})
    static final class Verify extends OnToken {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        void run(ConfigLoader settings, SigningKeys keys, DataSource dataSource, String token) throws Exception {
            TokenVerifier.Verified verified = keys.verifier().verify(token);
            JWTClaimsSet claims = JWTClaimsSet.parse(verified.claims());
            if (isRevoked(claims, new RevocationRecords(dataSource))) {
                throw new TokenRejectedException("revoked");
            }
            if (!customerActive(claims, CustomerCommand.customers(dataSource))) {
                throw new TokenRejectedException("its customer is archived (an archived customer's tokens are inactive)");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("header", verified.header());
            out.put("claims", verified.claims());
            context().out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke a token: every server stops accepting it within a second.",
                    "The token must verify (signature, expiry); it is read from standard input when not given."},
            footer = {"%nExample:", "  portal-token-server token revoke < token.txt"})
    static final class Revoke extends OnToken {
        @Override
        void run(ConfigLoader settings, SigningKeys keys, DataSource dataSource, String token) throws Exception {
            JWTClaimsSet claims = JWTClaimsSet.parse(keys.verifier().verify(token).claims());
            UUID jti = UUID.fromString(claims.getJWTID());
            new RevocationRecords(dataSource).revokeToken(jti, UUID.fromString(claims.getStringClaim("tenant_id")),
                    claims.getExpirationTime().toInstant());
            context().out().println("revoked token " + jti + " (it would have expired at "
                    + claims.getExpirationTime().toInstant() + ")");
        }
    }

    /** True when the customer a verified token names is not archived (nor gone). */
    private static boolean customerActive(JWTClaimsSet claims, Customers customers) throws Exception {
        Map<String, Object> resource = claims.getJSONObjectClaim("resource");
        if (resource == null || !(resource.get("Customer") instanceof String customer)) {
            throw new TokenRejectedException("not a portal token (no resource.Customer)");
        }
        try {
            UUID tenant = UUID.fromString(claims.getStringClaim("tenant_id"));
            return customers.findActive(tenant, CustomerIds.format(UUID.fromString(customer))).isPresent();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new TokenRejectedException("not a portal token (its tenant_id or customer is not a UUID)");
        }
    }

    /**
     * True when the database says the token, or every token of its customer issued before it, is
     * revoked. A token without a jti, iat, tenant_id or resource (as HS256 tokens signed elsewhere with
     * the shared secret may be) cannot have been revoked here.
     */
    private static boolean isRevoked(JWTClaimsSet claims, RevocationRecords revocations) throws Exception {
        Map<String, Object> resource = claims.getJSONObjectClaim("resource");
        String tenant = claims.getStringClaim("tenant_id");
        if (claims.getJWTID() == null || tenant == null || claims.getIssueTime() == null || resource == null
                || !(resource.get("Customer") instanceof String customer)) {
            return false;
        }
        try {
            UUID jti = UUID.fromString(claims.getJWTID());
            return revocations.isRevoked(jti, UUID.fromString(tenant), UUID.fromString(customer),
                    TokenIds.issuedTicks(jti, claims.getIssueTime().toInstant().getEpochSecond()));
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException("not a portal token (its jti, tenant_id or customer is not a UUID)");
        }
    }
}
