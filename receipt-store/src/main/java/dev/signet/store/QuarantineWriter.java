package dev.signet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes refused records to {@code receipt_quarantine} in one transaction, idempotent on the
 * record's {@code (topic, partition, offset)}. Quarantined records are rare, so one statement per
 * record is plenty.
 */
final class QuarantineWriter {

  static final String INSERT =
      """
      INSERT INTO receipt_quarantine (topic, partition, "offset", record_key, trace_id, hop, reason, detail, raw_value)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (topic, partition, "offset") DO NOTHING
      RETURNING id
      """;

  private final DataSource dataSource;

  QuarantineWriter(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Records the batch; returns the records quarantined for the first time (a re-delivered record is
   * already there). Throws when the database cannot take it; nothing is then committed.
   */
  List<QuarantinedRecord> write(List<QuarantinedRecord> records) throws SQLException {
    if (records.isEmpty()) {
      return List.of();
    }
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
        List<QuarantinedRecord> recorded = new ArrayList<>();
        for (QuarantinedRecord record : records) {
          statement.setString(1, record.topic());
          statement.setInt(2, record.partition());
          statement.setLong(3, record.offset());
          statement.setString(4, record.key());
          statement.setString(5, record.traceId());
          if (record.hop() == null) {
            statement.setNull(6, Types.INTEGER);
          } else {
            statement.setInt(6, record.hop());
          }
          statement.setString(7, record.reason().name());
          statement.setString(8, record.detail());
          statement.setBytes(9, record.rawValue());
          try (ResultSet inserted = statement.executeQuery()) {
            if (inserted.next()) {
              recorded.add(record);
            }
          }
        }
        connection.commit();
        return recorded;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
  }
}
