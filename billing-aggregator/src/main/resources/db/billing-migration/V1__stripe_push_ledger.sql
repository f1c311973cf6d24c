-- The permanent record of every overage charge Stripe has accepted. Stripe deduplicates meter
-- event identifiers for only about 24 hours; this table is what stops a replay, restart or
-- rebalance from pushing a charge again after that. One row per charge, never updated or deleted.
CREATE TABLE stripe_push_ledger (
    charge_id          TEXT        PRIMARY KEY,
    tenant             TEXT        NOT NULL,
    event_name         TEXT        NOT NULL,
    customer           TEXT        NOT NULL,
    units              BIGINT      NOT NULL CHECK (units > 0),
    identifier         TEXT        NOT NULL,
    pushed_at          TIMESTAMPTZ NOT NULL,
    stripe_response_id TEXT
);

CREATE INDEX stripe_push_ledger_tenant_pushed_at ON stripe_push_ledger (tenant, pushed_at);
