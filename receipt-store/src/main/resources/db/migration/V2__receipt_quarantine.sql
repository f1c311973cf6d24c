-- Records on the receipt topic that the store refused to treat as receipts: no or a wrong origin
-- MAC (not written by Signet's processor), a signature that does not verify, or not a receipt at
-- all. Never stored in receipts and never billed; kept here, raw, for investigation. One row per
-- record: re-delivering a batch (a restart before the offset commit) does not add a second one.
CREATE TABLE receipt_quarantine (
  id          bigserial   PRIMARY KEY,
  topic       text        NOT NULL,
  partition   int         NOT NULL,
  "offset"    bigint      NOT NULL,
  record_key  text,
  -- What the record claims, when it is readable JSON: untrusted, for finding it, nothing more.
  trace_id    text,
  hop         int,
  reason      text        NOT NULL,
  detail      text        NOT NULL,
  raw_value   bytea,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (topic, partition, "offset")
);
CREATE INDEX receipt_quarantine_received_at ON receipt_quarantine (received_at);
