-- V3 announced a customer change from a row-level trigger: an import that updates 1,000,000
-- customers ran the PL/pgSQL function 1,000,000 times, about 5 of the 35-38 s its UPDATE took on 2
-- cores (paired runs, docs/operations.md). These statement-level triggers run it once per
-- statement, over the changed rows' transition table, and send what V3 sent: one notification per
-- tenant whose customers changed (the old tenant of each row), none for a statement that changed no
-- row.
-- PostgreSQL allows a transition table only on a trigger of a single event: hence two triggers.
CREATE FUNCTION notify_customers_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('customer_changed', t::text) FROM (SELECT DISTINCT tenant_id FROM changed) AS s (t);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER customer_updated AFTER UPDATE ON customer REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_customers_changed();
CREATE TRIGGER customer_deleted AFTER DELETE ON customer REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_customers_changed();

DROP TRIGGER customer_changed ON customer;
DROP FUNCTION notify_customer_changed();
