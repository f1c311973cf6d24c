package dev.signet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes a batch of receipts in one transaction: one {@code INSERT … SELECT FROM unnest(…)} for the
 * whole batch, idempotent on {@code (trace_id, hop)}, and, only when some rows were already there,
 * a second statement that records every incoming receipt whose hash differs from the stored one.
 * Stored rows are never overwritten.
 */
final class ReceiptWriter {

  /**
   * A different receipt for an already stored {@code (trace_id, hop)}, recorded for the first time.
   */
  record Conflict(String traceId, int hop, String existingHash, String incomingHash) {}

  /** A receipt PostgreSQL refuses as data (so retrying cannot help), with the refusal. */
  record Unwritable(IncomingReceipt receipt, SQLException cause) {}

  /**
   * What a batch did. {@code duplicates} counts receipts already stored as they are, and
   * conflicting receipts already recorded by an earlier delivery.
   */
  record Result(int stored, int duplicates, List<Conflict> conflicts, List<Unwritable> unwritable) {
    Result {
      conflicts = List.copyOf(conflicts);
      unwritable = List.copyOf(unwritable);
    }

    Result plus(Result other) {
      List<Conflict> allConflicts = new ArrayList<>(conflicts);
      allConflicts.addAll(other.conflicts);
      List<Unwritable> allUnwritable = new ArrayList<>(unwritable);
      allUnwritable.addAll(other.unwritable);
      return new Result(
          stored + other.stored, duplicates + other.duplicates, allConflicts, allUnwritable);
    }
  }

  private static final Result NOTHING = new Result(0, 0, List.of(), List.of());

  // One statement per batch whatever its size: the arrays travel as single parameters, so there
  // is no per-row round trip and no statement text that grows with the batch.
  static final String INSERT =
      """
      INSERT INTO receipts (trace_id, hop, tenant, receipt_hash, prev_receipt_hash, ts, body)
      SELECT * FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[])
      ON CONFLICT (trace_id, hop) DO NOTHING
      """;

  // Runs after INSERT in the same transaction, so it also sees rows the batch itself inserted:
  // two different receipts for one (trace_id, hop) inside a single batch are caught too.
  static final String RECORD_CONFLICTS =
      """
      INSERT INTO receipt_conflicts (trace_id, hop, existing_hash, incoming_hash, incoming_body)
      SELECT i.trace_id, i.hop, r.receipt_hash, i.receipt_hash, i.body
        FROM unnest(?::text[], ?::int[], ?::text[], ?::text[]) AS i(trace_id, hop, receipt_hash, body)
        JOIN receipts r ON r.trace_id = i.trace_id AND r.hop = i.hop
       WHERE r.receipt_hash <> i.receipt_hash
      ON CONFLICT (trace_id, hop, incoming_hash) DO NOTHING
      RETURNING trace_id, hop, existing_hash, incoming_hash
      """;

  private final DataSource dataSource;

  ReceiptWriter(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Stores the batch. Throws when the database could not take it (down, timeout, …): nothing of the
   * batch is then committed and the caller retries it. A batch PostgreSQL refuses as data is
   * written receipt by receipt instead, so one bad receipt cannot block all that follow it.
   */
  Result write(List<IncomingReceipt> batch) throws SQLException {
    if (batch.isEmpty()) {
      return NOTHING;
    }
    try {
      return writeInOneTransaction(batch);
    } catch (SQLException e) {
      if (!isRefusedData(e)) {
        throw e;
      }
      return writeOneByOne(batch);
    }
  }

  private Result writeOneByOne(List<IncomingReceipt> batch) throws SQLException {
    Result result = NOTHING;
    for (IncomingReceipt receipt : batch) {
      try {
        result = result.plus(writeInOneTransaction(List.of(receipt)));
      } catch (SQLException e) {
        if (!isRefusedData(e)) {
          throw e;
        }
        result = result.plus(new Result(0, 0, List.of(), List.of(new Unwritable(receipt, e))));
      }
    }
    return result;
  }

  private Result writeInOneTransaction(List<IncomingReceipt> batch) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      try {
        int stored = insert(connection, batch);
        // Every row new (the usual case): nothing can conflict, skip the second statement.
        List<Conflict> conflicts =
            stored == batch.size() ? List.of() : recordConflicts(connection, batch);
        connection.commit();
        return new Result(stored, batch.size() - stored - conflicts.size(), conflicts, List.of());
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        throw e;
      }
    }
  }

  private static int insert(Connection connection, List<IncomingReceipt> batch)
      throws SQLException {
    int n = batch.size();
    String[] traceIds = new String[n];
    Integer[] hops = new Integer[n];
    String[] tenants = new String[n];
    String[] hashes = new String[n];
    String[] prevHashes = new String[n];
    String[] timestamps = new String[n];
    String[] bodies = new String[n];
    for (int i = 0; i < n; i++) {
      IncomingReceipt r = batch.get(i);
      traceIds[i] = r.traceId();
      hops[i] = r.hop();
      tenants[i] = r.tenant();
      hashes[i] = r.receiptHash();
      prevHashes[i] = r.prevReceiptHash();
      timestamps[i] = r.ts().toString();
      bodies[i] = r.body();
    }
    try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
      statement.setArray(1, connection.createArrayOf("text", traceIds));
      statement.setArray(2, connection.createArrayOf("int4", hops));
      statement.setArray(3, connection.createArrayOf("text", tenants));
      statement.setArray(4, connection.createArrayOf("text", hashes));
      statement.setArray(5, connection.createArrayOf("text", prevHashes));
      statement.setArray(6, connection.createArrayOf("text", timestamps));
      statement.setArray(7, connection.createArrayOf("text", bodies));
      return statement.executeUpdate();
    }
  }

  private static List<Conflict> recordConflicts(Connection connection, List<IncomingReceipt> batch)
      throws SQLException {
    int n = batch.size();
    String[] traceIds = new String[n];
    Integer[] hops = new Integer[n];
    String[] hashes = new String[n];
    String[] bodies = new String[n];
    for (int i = 0; i < n; i++) {
      IncomingReceipt r = batch.get(i);
      traceIds[i] = r.traceId();
      hops[i] = r.hop();
      hashes[i] = r.receiptHash();
      bodies[i] = r.body();
    }
    try (PreparedStatement statement = connection.prepareStatement(RECORD_CONFLICTS)) {
      statement.setArray(1, connection.createArrayOf("text", traceIds));
      statement.setArray(2, connection.createArrayOf("int4", hops));
      statement.setArray(3, connection.createArrayOf("text", hashes));
      statement.setArray(4, connection.createArrayOf("text", bodies));
      List<Conflict> conflicts = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          conflicts.add(
              new Conflict(
                  rows.getString(1), rows.getInt(2), rows.getString(3), rows.getString(4)));
        }
      }
      return conflicts;
    }
  }

  /**
   * SQLSTATE classes for input PostgreSQL will refuse however often it is retried: 22 data
   * exception, 23 integrity constraint violation, 54 program limit exceeded (e.g. a trace id too
   * long for the primary-key index). Everything else (connection, resources, shutdown,
   * serialization) is treated as passing and retried.
   */
  static boolean isRefusedData(SQLException e) {
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
  }

  private static void rollback(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      // The connection is likely gone; the pool discards it. Keep the first failure visible.
      cause.addSuppressed(rollbackFailure);
    }
  }
}
