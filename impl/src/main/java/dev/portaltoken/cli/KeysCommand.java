package dev.portaltoken.cli;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.audit.Actor;
import dev.portaltoken.config.ConfigLoader;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.keys.KeyState;
import dev.portaltoken.keys.SigningKeyChanges;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.keys.StoredKey;
import java.time.Instant;
import java.util.Optional;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage the token signing keys every server on this database shares.",
        footer = {"%nExample:", "  portal-token-server keys rotate --alg ES256"})
final class KeysCommand extends CommandGroup {
    private static final String PICKUP = "running servers publish this within a second";

    /** An admin command on the signing keys of the configured database; its changes are audited as the CLI's. */
    private abstract static class OnKeys extends DatabaseCommand {

        abstract void run(SigningKeyChanges keys) throws Exception;

        @Override
        final void run(ConfigLoader settings, DataSource dataSource) throws Exception {
            try (SigningKeys keys = SigningKeys.admin(dataSource, settings.signing(), settings.database().dataDir(),
                    SigningKeys.expected(settings.signing(), settings.tokenIssuer(), settings.tokenAudience()))) {
                run(new SigningKeyChanges(dataSource, keys));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every signing key: kid, algorithm, state, when it was created and when it leaves the JWKS.",
            footer = {"%nExample:", "  portal-token-server keys list --json"})
    static final class ListKeys extends OnKeys {
        @Mixin
        JsonOutput output;

        @Override
        void run(SigningKeyChanges keys) throws Exception {
            new Listing("kid", "alg", "state", "created", "retires_at").print(context().out(), output.json,
                    sink -> keys.list().forEach(key -> sink.row(key.kid(), key.algorithm().getName(),
                            key.state().dbName(), key.createdAt(), key.retiresAt().orElse(null))));
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Make a new key the active one for its algorithm; prints its kid on the last line.",
                    "The previous active key stops signing and stays in the JWKS for 30 days and an hour, so every"
                            + " token it signed keeps verifying."},
            footer = {"%nExample:", "  portal-token-server keys rotate --alg EdDSA"})
    static final class Rotate extends OnKeys {
        @Option(names = "--alg", paramLabel = "ALG",
                description = "EdDSA or ES256 (default: PORTAL_TOKEN_ALG, or EdDSA when that is HS256).")
        String alg;

        @Override
        void validate() {
            if (alg != null) {
                parseAlgorithm(alg);
            }
        }

        @Override
        void run(SigningKeyChanges keys) throws Exception {
            SigningKeys.Rotation rotation = keys.rotate(Actor.cli(), Optional.ofNullable(alg).map(this::parseAlgorithm));
            context().out().println(rotation.algorithm() + " key " + rotation.kid() + " is now active"
                    + rotation.previousKid().map(p -> "; " + p + " no longer signs and stays published until "
                    + time(rotation.previousRetiresAt().orElseThrow())).orElse("") + "; " + PICKUP + ":");
            context().out().println(rotation.kid());
        }

        private JWSAlgorithm parseAlgorithm(String name) {
            return Signers.ASYMMETRIC.stream().filter(a -> a.getName().equalsIgnoreCase(name.trim())).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                            "--alg must be EdDSA or ES256, not '" + name + "'"));
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = {"Move a key on: an active key stops signing and stays published for 30 days and an hour"
                    + " (never the only active key);",
                    "a retiring key is retired at once: it leaves the JWKS and the tokens it signed stop verifying."},
            footer = {"%nExample:", "  portal-token-server keys retire 2h8kbd3UNAFn1z_a0Qx2Oa4jdRj1J6-Gql4Ycj"})
    static final class Retire extends OnKeys {
        @Parameters(paramLabel = "KID", description = "The key's kid (see keys list).")
        String kid;

        @Override
        void run(SigningKeyChanges keys) throws Exception {
            StoredKey key = keys.retire(Actor.cli(), kid);
            context().out().println(key.state() == KeyState.RETIRING
                    ? "key " + kid + " no longer signs and stays published until "
                            + key.retiresAt().map(KeysCommand::time).orElse("?") + "; " + PICKUP
                    : "key " + kid + " is retired: it leaves the JWKS and its tokens no longer verify; " + PICKUP);
        }
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
