package dev.portaltoken.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.db.Database;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.keys.SigningKeyRepository;
import dev.portaltoken.keys.StoredKey;
import dev.portaltoken.keys.TokenVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        /** More than any token this server mints or verifies; standard input is not read past it. */
        private static final int MAX_TOKEN_BYTES = 64 * 1024;
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;

        @Parameters(paramLabel = "TOKEN", arity = "0..1",
                description = "The compact JWT; omitted or '-': read from standard input (keeps it out of shell"
                        + " history and the process list).")
        String token;

        Verify(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            String candidate = token == null || token.equals("-") ? fromStandardInput() : token;
            ConfigLoader settings = database.settings(context.env());
            SigningConfig signing = settings.signing();
            List<StoredKey> keys;
            try (Database db = database.open(context.env())) {
                keys = new SigningKeyRepository(db.dataSource()).findAll();
            }
            TokenVerifier.Verified verified = new TokenVerifier(keys, signing.jwtSecret(), settings.tokenAudience(),
                    Clock.systemUTC()).verify(candidate);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("header", verified.header());
            out.put("claims", verified.claims());
            context.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        }

        private static String fromStandardInput() throws IOException {
            byte[] read = System.in.readNBytes(MAX_TOKEN_BYTES + 1);
            if (read.length > MAX_TOKEN_BYTES) {
                throw ApiException.badRequest("standard input holds more than " + MAX_TOKEN_BYTES + " bytes: not a token");
            }
            String token = new String(read, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw ApiException.badRequest("no token: give TOKEN, or pipe it on standard input");
            }
            return token;
        }
    }
}
