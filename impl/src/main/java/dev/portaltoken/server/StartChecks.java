package dev.portaltoken.server;

import dev.portaltoken.config.ServerConfig;
import dev.portaltoken.config.Setting;
import dev.portaltoken.crypto.SignerProvider;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.embedded.EmbeddedPostgresServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What a server checks before it creates anything (a database, a key encryption key, a signing key). */
final class StartChecks {
    private StartChecks() {
    }

    /**
     * Fails with one line that says how to fix it when another server runs on the data directory or
     * a port is taken; a forced signer that cannot load fails here too.
     *
     * @return the signer, chosen while the database opens when none is forced (AWS-LC loads and runs its
     *         self-tests, about 0.2 s)
     */
    static CompletableFuture<SignerProvider> beforeCreatingAnything(ServerConfig config) {
        if (config.database().embedded()) {
            EmbeddedPostgresServer.refuseIfServed(config.database().dataDir());
        }
        HttpListener.checkAvailable(config.host(), config.port(), Setting.PORT);
        config.managementPort().ifPresent(port -> HttpListener.checkAvailable(config.host(), port, Setting.MANAGEMENT_PORT));
        return config.signing().signer().isPresent()
                ? CompletableFuture.completedFuture(Signers.select(config.signing().signer()))
                : CompletableFuture.supplyAsync(() -> Signers.select(config.signing().signer()));
    }

    /** The signer chosen by {@link #beforeCreatingAnything}, or its failure as one line for the start-up error. */
    static SignerProvider chosen(CompletableFuture<SignerProvider> choice) {
        try {
            return choice.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
