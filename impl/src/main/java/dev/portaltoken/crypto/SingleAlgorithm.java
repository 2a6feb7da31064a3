package dev.portaltoken.crypto;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jca.JCAContext;
import java.util.Set;

/**
 * What every signer and verifier of this package shares: Nimbus's algorithm and JCA plumbing for
 * the one algorithm it handles. Thread-safe once constructed (the JCA context is set up by the
 * constructor of a subclass, if at all, and only read after).
 */
abstract class SingleAlgorithm {
    private final JWSAlgorithm algorithm;
    private final Set<JWSAlgorithm> algorithms;
    private final JCAContext jcaContext = new JCAContext();

    SingleAlgorithm(JWSAlgorithm algorithm) {
        this.algorithm = algorithm;
        this.algorithms = Set.of(algorithm);
    }

    /** The algorithm handled. */
    final JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** For a signer: refuses a header naming another algorithm. */
    final void requireAlgorithmOf(com.nimbusds.jose.JWSHeader header) throws com.nimbusds.jose.JOSEException {
        if (!algorithm.equals(header.getAlgorithm())) {
            throw new com.nimbusds.jose.JOSEException("unsupported algorithm " + header.getAlgorithm());
        }
    }

    public final Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return algorithms;
    }

    public final JCAContext getJCAContext() {
        return jcaContext;
    }
}
