-- What finance reads through GET /v1/billing/usage and /v1/billing/charges and what
-- `signet billing reconcile` compares: the billing topics materialised by billing's ledger worker.
-- Written idempotently (replays change nothing), read by ingress through its read-only pool.

-- Every overage charge of signet.billing.overage.v1, once (the charge id is deterministic).
CREATE TABLE billing_charges (
    charge_id         TEXT        PRIMARY KEY,
    tenant            TEXT        NOT NULL,
    period            TEXT        NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    unit_type         TEXT        NOT NULL CHECK (unit_type IN ('vex', 'fu')),
    band              INTEGER     NOT NULL CHECK (band >= 0),
    units             BIGINT      NOT NULL CHECK (units > 0),
    unit_price        NUMERIC     NOT NULL CHECK (unit_price >= 0),
    amount            NUMERIC     NOT NULL CHECK (amount >= 0),
    currency          TEXT        NOT NULL,
    used_before       BIGINT      NOT NULL,
    used_after        BIGINT      NOT NULL,
    window_start      TIMESTAMPTZ NOT NULL,
    window_end        TIMESTAMPTZ NOT NULL,
    stripe_event_name TEXT,
    stripe_customer   TEXT,
    charged_at        TIMESTAMPTZ NOT NULL,
    recorded_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX billing_charges_tenant_period ON billing_charges (tenant, period, charged_at);

-- The latest total of signet.billing.period-totals.v1 per tenant, month and unit type. Totals
-- only grow, so an older record replayed after a newer one never lowers it (GREATEST on upsert).
CREATE TABLE billing_period_totals (
    tenant     TEXT        NOT NULL,
    period     TEXT        NOT NULL,
    unit_type  TEXT        NOT NULL CHECK (unit_type IN ('vex', 'fu')),
    units      BIGINT      NOT NULL CHECK (units >= 0),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, period, unit_type)
);

-- The reservation in force per tenant (the latest `set` of signet.billing.reserved-config.v1;
-- a `removed` deletes the row).
CREATE TABLE billing_reservations (
    tenant      TEXT        PRIMARY KEY,
    reservation JSONB       NOT NULL,
    version     TEXT        NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL,
    changed_by  TEXT        NOT NULL
);

-- Charges Stripe did not accept after every retry (also on signet.billing.stripe-dlq.v1). A row
-- goes when a later push of the same charge succeeds.
CREATE TABLE stripe_push_dead_letters (
    charge_id TEXT        PRIMARY KEY,
    tenant    TEXT        NOT NULL,
    reason    TEXT        NOT NULL,
    attempts  INTEGER     NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
