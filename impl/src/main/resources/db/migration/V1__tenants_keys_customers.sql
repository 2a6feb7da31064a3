-- Tenants own API keys and customers; every lookup is scoped to one tenant.
CREATE TABLE tenant (
    id          uuid        PRIMARY KEY,
    slug        text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    portal_url  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Only a SHA-256 hash of each key's secret is stored, never the key.
CREATE TABLE api_key (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenant (id),
    name          text,
    secret_sha256 bytea       NOT NULL CHECK (octet_length(secret_sha256) = 32),
    hint          text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_key_tenant_idx ON api_key (tenant_id);

-- Aliases are unique within a tenant (archived customers keep theirs), not globally.
CREATE TABLE customer (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenant (id),
    alias       text,
    name        text,
    email       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT customer_tenant_alias_key UNIQUE (tenant_id, alias)
);
CREATE INDEX customer_tenant_id_idx ON customer (tenant_id, id);
