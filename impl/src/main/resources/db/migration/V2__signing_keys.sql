-- Token signing keys, shared by every server instance on this database.
--   active:   signs new tokens; at most one per algorithm (the partial unique index below).
--   retiring: no longer signs, still published in the JWKS until retires_at, so the tokens it signed
--             keep verifying for their whole lifetime.
--   retired:  gone from the JWKS; its private key is erased. A retiring key past retires_at counts as
--             retired and is marked so lazily.
-- The private key (its JWK) is AES-256-GCM encrypted under the key encryption key from configuration,
-- with a random 96-bit nonce per row and the kid as associated data.
CREATE TABLE signing_key (
    kid                text        PRIMARY KEY,
    alg                text        NOT NULL CHECK (alg IN ('EdDSA', 'ES256')),
    state              text        NOT NULL CHECK (state IN ('active', 'retiring', 'retired')),
    public_jwk         text        NOT NULL,
    private_key_nonce  bytea       CHECK (octet_length(private_key_nonce) = 12),
    private_key_sealed bytea,
    created_at         timestamptz NOT NULL DEFAULT now(),
    retiring_since     timestamptz,
    retires_at         timestamptz,
    CONSTRAINT signing_key_private_until_retired CHECK (
        (state = 'retired') = (private_key_sealed IS NULL AND private_key_nonce IS NULL)),
    CONSTRAINT signing_key_retirement_dated CHECK (
        (state = 'active') = (retires_at IS NULL AND retiring_since IS NULL))
);
CREATE UNIQUE INDEX signing_key_one_active_per_alg ON signing_key (alg) WHERE state = 'active';
