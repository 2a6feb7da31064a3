package dev.portaltoken.cli;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.config.SigningConfig;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.db.Database;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.keys.KeyEncryptionKey;
import dev.portaltoken.keys.SigningKeyRepository;
import dev.portaltoken.keys.SigningKeyStore;
import dev.portaltoken.keys.StoredKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage the token signing keys every server on this database shares.")
final class KeysCommand extends CommandGroup {
    private static final String PICKUP = "running servers pick this up within PORTAL_KEY_REFRESH_SECONDS (default 10 s)";

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every signing key: kid, algorithm, state, when it was created and when it leaves the JWKS.")
    static final class ListKeys implements Callable<Integer> {
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--json", description = "One JSON array of objects, nothing else.")
        boolean json;

        ListKeys(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            List<StoredKey> keys;
            try (Database db = database.open(context.env())) {
                keys = new SigningKeyRepository(db.dataSource()).findAll();
            }
            Listing listing = new Listing("kid", "alg", "state", "created", "retires_at");
            for (StoredKey key : keys) {
                listing.row(key.kid(), key.algorithm().getName(), key.state().dbName(), key.createdAt(),
                        key.retiresAt().orElse(null));
            }
            listing.print(context.out(), json);
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Make a new key the active one for its algorithm; prints its kid on the last line.",
                    "The previous active key stops signing and stays in the JWKS for 30 days and an hour, so every"
                            + " token it signed keeps verifying."})
    static final class Rotate implements Callable<Integer> {
        private final Cli.Context context;
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        DatabaseOptions database;
        @Option(names = "--alg", paramLabel = "ALG",
                description = "EdDSA or ES256 (default: PORTAL_TOKEN_ALG, or EdDSA when that is HS256).")
        String alg;

        Rotate(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            ConfigLoader settings = database.settings(context.env());
            SigningConfig signing = settings.signing();
            JWSAlgorithm algorithm = alg != null ? parseAlgorithm(spec, alg)
                    : Signers.ASYMMETRIC.contains(signing.algorithm()) ? signing.algorithm() : JWSAlgorithm.EdDSA;
            SigningKeyStore.Rotation rotation;
            try (Database db = database.open(context.env())) {
                SigningKeyRepository keys = new SigningKeyRepository(db.dataSource());
                SigningKeyStore store = new SigningKeyStore(keys, KeyEncryptionKey.resolve(signing.keyEncryptionKey(),
                        settings.database().dataDir(), keys.hasSealedKeys()),
                        signing.signer().orElse(SignerProvider.BOUNCYCASTLE)); // rotating never signs

                rotation = store.rotate(algorithm);
            }
            context.out().println(rotation.algorithm() + " key " + rotation.kid() + " is now active"
                    + rotation.previousKid().map(p -> "; " + p + " no longer signs and stays published until "
                    + time(rotation.previousRetiresAt().orElseThrow())).orElse("") + "; " + PICKUP + ":");
            context.out().println(rotation.kid());
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = {"Move a key on: an active key stops signing and stays published for 30 days and an hour"
                    + " (never the only active key);",
                    "a retiring key is retired at once: it leaves the JWKS and the tokens it signed stop verifying."})
    static final class Retire implements Callable<Integer> {
        private final Cli.Context context;
        @Mixin
        DatabaseOptions database;
        @Parameters(paramLabel = "KID", description = "The key's kid (see keys list).")
        String kid;

        Retire(Cli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            try (Database db = database.open(context.env())) {
                SigningKeyRepository keys = new SigningKeyRepository(db.dataSource());
                switch (keys.retire(kid, SigningKeyStore.RETIRE_AFTER)) {
                    case NOT_FOUND -> throw ApiException.notFound("no signing key with kid '" + kid + "'");
                    case ALREADY_RETIRED -> throw ApiException.badRequest("key " + kid + " is already retired");
                    case ONLY_ACTIVE -> throw ApiException.badRequest("key " + kid
                            + " is the only active key and cannot be retired; rotate first (keys rotate)");
                    case NOW_RETIRING -> context.out().println("key " + kid + " no longer signs and stays published until "
                            + keys.find(kid).flatMap(StoredKey::retiresAt).map(KeysCommand::time).orElse("?")
                            + "; " + PICKUP);
                    case NOW_RETIRED -> context.out().println("key " + kid
                            + " is retired: it leaves the JWKS and its tokens no longer verify; " + PICKUP);
                    default -> throw new IllegalStateException();
                }
            }
            return 0;
        }
    }

    static JWSAlgorithm parseAlgorithm(CommandLine.Model.CommandSpec spec, String name) {
        return Signers.ASYMMETRIC.stream().filter(a -> a.getName().equalsIgnoreCase(name.trim())).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                        "--alg must be EdDSA or ES256, not '" + name + "'"));
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
