-- The system of record for receipts: one row per (trace_id, hop), written once and never updated.
CREATE TABLE receipts (
  trace_id          text        NOT NULL,
  hop               int         NOT NULL,
  tenant            text        NOT NULL,
  receipt_hash      text        NOT NULL,
  prev_receipt_hash text,
  ts                timestamptz NOT NULL,
  -- The receipt JSON exactly as it was consumed, so that it still verifies byte for byte and
  -- fields this version does not know about stay covered by the stored proof.
  body              text        NOT NULL,
  stored_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (trace_id, hop)
);
-- No separate tenant index: every current read is by trace_id (the primary key serves it) and
-- each extra index costs insert throughput on the hot path. Add one with the first by-tenant query.

-- A different receipt arrived for a (trace_id, hop) already stored. The stored row is kept; the
-- newcomer is kept here for investigation. Unique per incoming hash so that re-delivering the
-- same conflicting record (a restart before the offset commit) does not record it twice.
CREATE TABLE receipt_conflicts (
  id            bigserial   PRIMARY KEY,
  trace_id      text        NOT NULL,
  hop           int         NOT NULL,
  existing_hash text        NOT NULL,
  incoming_hash text        NOT NULL,
  incoming_body text        NOT NULL,
  detected_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (trace_id, hop, incoming_hash)
);
