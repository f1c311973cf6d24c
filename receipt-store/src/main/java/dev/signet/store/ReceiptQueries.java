package dev.signet.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads for the receipt APIs. Every lookup by trace is served by the primary key
 * {@code (trace_id, hop)}; database failures surface as {@link ReceiptStoreException}.
 */
public final class ReceiptQueries {

  private static final String CHAIN = "SELECT tenant, body FROM receipts WHERE trace_id = ? ORDER BY hop";
  private static final String TENANT_OF = "SELECT tenant FROM receipts WHERE trace_id = ? ORDER BY hop LIMIT 1";
  private static final String COUNT = "SELECT count(*) FROM receipts";

  private final DataSource dataSource;

  public ReceiptQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The stored receipts of a trace, ordered by hop, each parsed from its exact stored JSON. Empty
   * when the trace is unknown or is not entirely the given tenant's: a caller cannot tell another
   * tenant's trace from a missing one.
   */
  public Optional<List<JsonNode>> chain(String tenant, String traceId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(CHAIN)) {
      statement.setString(1, traceId);
      List<JsonNode> receipts = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          // A trace belongs to one tenant; should that ever be broken, show it to nobody.
          if (!tenant.equals(rows.getString(1))) {
            return Optional.empty();
          }
          receipts.add(Json.parse(rows.getString(2)));
        }
      }
      return receipts.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(receipts));
    } catch (SQLException e) {
      throw new ReceiptStoreException("cannot read the chain of trace " + traceId, e);
    }
  }

  /** The tenant owning a trace (the one on its first stored hop), if the trace is stored. */
  public Optional<String> tenantOf(String traceId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(TENANT_OF)) {
      statement.setString(1, traceId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new ReceiptStoreException("cannot look up the tenant of trace " + traceId, e);
    }
  }

  /** Exact number of stored receipts. A full count: fine for tests and admin, not for hot paths. */
  public long count() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(COUNT);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new ReceiptStoreException("cannot count receipts", e);
    }
  }

  /** Whether the database answers within two seconds: the health check's probe, cheap at any size. */
  public boolean isReachable() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }
}
