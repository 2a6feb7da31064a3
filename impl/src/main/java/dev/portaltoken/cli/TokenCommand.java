package dev.portaltoken.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.keys.TokenVerifier;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "token", mixinStandardHelpOptions = true, description = "Inspect portal tokens.",
        footer = {"%nExample:", "  portal-token-server token verify \"$TOKEN\""})
final class TokenCommand extends CommandGroup {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a token against the current signing keys (and PORTAL_JWT_SECRET for HS256), its exp"
                    + " and its audience (PORTAL_TOKEN_AUDIENCE; unset: customer-portal for EdDSA and ES256, none for"
                    + " HS256).",
                    "Prints its header and claims (the granted scopes in scope) as JSON, or the reason it fails on"
                    + " one line with exit status 1."},
            footer = {"%nExample:", "  portal-token-server token verify \"$TOKEN\""})
    static final class Verify extends DatabaseCommand {
        private static final ObjectMapper JSON = new ObjectMapper();
        @Parameters(paramLabel = "TOKEN", description = "The compact JWT.")
        String token;

        @Override
        void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            TokenVerifier.Verified verified;
            try (SigningKeys keys = SigningKeys.admin(dataSource, settings.signing(), settings.database().dataDir())) {
                verified = keys.verifier(settings.tokenAudience()).verify(token);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("header", verified.header());
            out.put("claims", verified.claims());
            context().out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
    }
}
