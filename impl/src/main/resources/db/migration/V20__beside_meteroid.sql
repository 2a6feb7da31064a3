-- Beside a running Meteroid (docs/beside-meteroid.md): a tenant's connection to its upstream
-- Meteroid, the customers that came from there, the webhook messages seen, and a customer sync in
-- progress. The upstream API key and the webhook endpoint secret are sealed like the signing keys
-- (AES-256-GCM under the key encryption key, a random nonce each, the tenant and purpose as
-- associated data); only a display hint of the key is kept in clear.
CREATE TABLE meteroid_connection (
    tenant_id             uuid        PRIMARY KEY REFERENCES tenant (id),
    api_url               text        NOT NULL,
    api_key_hint          text,
    api_key_nonce         bytea,
    api_key_sealed        bytea,
    webhook_secret_nonce  bytea,
    webhook_secret_sealed bytea,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    last_sync_at          timestamptz,
    last_sync_result      text,
    CHECK ((api_key_nonce IS NULL) = (api_key_sealed IS NULL)),
    CHECK ((webhook_secret_nonce IS NULL) = (webhook_secret_sealed IS NULL))
);

-- The customers that came from upstream (by a webhook or a sync): the only ones a sync changes.
CREATE TABLE meteroid_customer (
    customer_id uuid        PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
    tenant_id   uuid        NOT NULL REFERENCES tenant (id),
    linked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meteroid_customer_tenant_idx ON meteroid_customer (tenant_id);

-- Webhook message ids already handled, per tenant: a replay (or a retry of a handled message) is a
-- no-op. Kept a day, far longer than the 5-minute window in which a captured message could be replayed.
CREATE TABLE meteroid_webhook_message (
    tenant_id   uuid        NOT NULL REFERENCES tenant (id),
    message_id  text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX meteroid_webhook_message_received_idx ON meteroid_webhook_message (received_at);

-- A sync in progress: the list and page it reads next, and who holds it (heartbeat_at moves with
-- every page; a run whose heartbeat stopped is taken over and resumed). Each page read is staged in
-- meteroid_sync_row in the same transaction that moves next_page, and nothing changes a customer
-- until the whole listing is staged: then one transaction applies it and drops the run.
CREATE TABLE meteroid_sync_run (
    tenant_id    uuid        PRIMARY KEY REFERENCES tenant (id),
    holder       text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    archived     boolean     NOT NULL DEFAULT false,
    next_page    integer     NOT NULL DEFAULT 0,
    listed       bigint      NOT NULL DEFAULT 0
);

CREATE TABLE meteroid_sync_row (
    tenant_id      uuid    NOT NULL REFERENCES tenant (id),
    customer_id    uuid    NOT NULL,
    alias          text,
    name           text,
    email          text,
    archived       boolean NOT NULL,
    alias_dropped  boolean NOT NULL DEFAULT false, -- upstream's alias cannot be an alias here
    alias_taken    boolean NOT NULL DEFAULT false, -- another customer here holds it (set when applying)
    held_apart     boolean NOT NULL DEFAULT false, -- the id is a customer here that did not come from upstream
    PRIMARY KEY (tenant_id, customer_id)
);
CREATE INDEX meteroid_sync_row_alias_idx ON meteroid_sync_row (tenant_id, alias);
