-- Rate limits shared by every instance (PORTAL_RATE_LIMIT_MODE=cluster): each instance counts locally
-- and, every second, writes how many requests of each API key it has taken since it started and reads
-- the others' counts. A row is one instance's running total for one key; rows idle for ten minutes are
-- deleted by whichever instance syncs.
CREATE TABLE rate_limit_consumption (
    api_key_id  uuid        NOT NULL,
    instance_id uuid        NOT NULL,
    consumed    bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, instance_id)
);
CREATE INDEX rate_limit_consumption_updated ON rate_limit_consumption (updated_at);
