package dev.portaltoken.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.db.Database;
import dev.portaltoken.keys.SigningKeyRepository;
import dev.portaltoken.keys.StoredKey;
import dev.portaltoken.keys.TokenVerifier;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "token", mixinStandardHelpOptions = true, description = "Inspect portal tokens.")
final class TokenCommand extends CommandGroup {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify a token against the current signing keys (and PORTAL_JWT_SECRET for HS256), its exp"
                    + " and its audience (PORTAL_TOKEN_AUDIENCE).",
                    "Prints its header and claims as JSON, or the reason it fails on one line with exit status 1."})
    static final class Verify implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Parameters(paramLabel = "TOKEN", description = "The compact JWT.")
        String token;

        Verify(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            ConfigLoader settings = database.settings(context.env());
            SigningConfig signing = settings.signing();
            List<StoredKey> keys;
            try (Database db = database.open(context.env())) {
                keys = new SigningKeyRepository(db.dataSource()).findAll();
            }
            TokenVerifier.Verified verified = new TokenVerifier(keys, signing.jwtSecret(), settings.tokenAudience(),
                    Clock.systemUTC()).verify(token);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("header", verified.header());
            out.put("claims", verified.claims());
            context.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        }
    }
}
