package dev.signet.store.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * Reads for the receipt APIs, the one part of the receipt store other services may use (through a
 * {@link QueryPool}; this package never migrates). Every lookup by trace is served by the primary
 * key {@code (trace_id, hop)}; database failures, a schema the store has not created yet among
 * them, surface as {@link ReceiptStoreException}.
 */
public final class ReceiptQueries {

  /** The most receipts one page of a chain read returns. */
  public static final int MAX_PAGE_SIZE = 1000;

  // Bounded like every read here: a whole chain is at most MAX_HOPS receipts by the chain rules;
  // one more row tells the caller the store holds more than a chain may have.
  private static final String CHAIN =
      "SELECT tenant, body FROM receipts WHERE trace_id = ? ORDER BY hop LIMIT ?";
  private static final String PAGE =
      "SELECT tenant, body, hop FROM receipts WHERE trace_id = ? AND hop > ? ORDER BY hop LIMIT ?";
  private static final String CONFLICTING_HOPS =
      "SELECT DISTINCT hop FROM receipt_conflicts WHERE trace_id = ? ORDER BY hop LIMIT "
          + Receipt.MAX_HOPS;
  private static final String TENANT_OF =
      "SELECT tenant FROM receipts WHERE trace_id = ? ORDER BY hop LIMIT 1";
  private static final String COUNT = "SELECT count(*) FROM receipts";
  private static final String SCHEMA_PRESENT =
      "SELECT to_regclass('receipts') IS NOT NULL AND to_regclass('receipt_conflicts') IS NOT NULL";

  private final DataSource dataSource;

  public ReceiptQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * The stored receipts of a trace, ordered by hop, each parsed from its exact stored JSON. Empty
   * when the trace is unknown or is not entirely the given tenant's: a caller cannot tell another
   * tenant's trace from a missing one. At most {@link Receipt#MAX_HOPS} + 1 receipts: a list longer
   * than {@code MAX_HOPS} means the store holds more than a valid chain, and the caller must refuse
   * it rather than read on.
   */
  public Optional<List<JsonNode>> chain(String tenant, String traceId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(CHAIN)) {
      statement.setString(1, traceId);
      statement.setInt(2, Receipt.MAX_HOPS + 1);
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

  /**
   * The receipts of a trace with {@code hop > afterHop}, at most {@code limit} of them, in hop
   * order. Empty when the trace is unknown or not the tenant's (as for {@link #chain}); a page past
   * the last hop of a trace the tenant owns is present and empty.
   *
   * @param afterHop 0 for the first page, else the previous page's {@link ChainPage#nextAfterHop}
   * @param limit 1 to {@link #MAX_PAGE_SIZE}
   */
  public Optional<ChainPage> chainPage(String tenant, String traceId, int afterHop, int limit) {
    if (afterHop < 0 || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "afterHop must be >= 0 and limit within 1.." + MAX_PAGE_SIZE);
    }
    List<JsonNode> receipts = new ArrayList<>();
    int lastHop = 0;
    boolean more = false;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(PAGE)) {
      statement.setString(1, traceId);
      statement.setInt(2, afterHop);
      // One row beyond the page says whether a next page exists without a count.
      statement.setInt(3, limit + 1);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (!tenant.equals(rows.getString(1))) {
            return Optional.empty();
          }
          if (receipts.size() == limit) {
            more = true;
            break;
          }
          receipts.add(Json.parse(rows.getString(2)));
          lastHop = rows.getInt(3);
        }
      }
    } catch (SQLException e) {
      throw new ReceiptStoreException("cannot read a page of the chain of trace " + traceId, e);
    }
    // Hop 1 (the owner's) is on the first page; a later page must check the owner separately, or
    // a foreign trace would answer an empty page instead of looking unknown.
    if (afterHop > 0 && !tenantOf(traceId).map(tenant::equals).orElse(false)) {
      return Optional.empty();
    }
    if (afterHop == 0 && receipts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ChainPage(receipts, more ? OptionalInt.of(lastHop) : OptionalInt.empty()));
  }

  /**
   * The hops of a trace for which a different receipt than the stored one arrived (rows of {@code
   * receipt_conflicts}), in order, at most {@link Receipt#MAX_HOPS}. Empty when none did.
   */
  public List<Integer> conflictingHops(String traceId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(CONFLICTING_HOPS)) {
      statement.setString(1, traceId);
      List<Integer> hops = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          hops.add(rows.getInt(1));
        }
      }
      return List.copyOf(hops);
    } catch (SQLException e) {
      throw new ReceiptStoreException("cannot read the conflicts of trace " + traceId, e);
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

  /**
   * Whether the database answers within two seconds and holds the tables these reads use: the
   * health check's probe, cheap at any size. False while the receipt store has not yet created its
   * schema (this API never migrates), so a reader started first reports not ready.
   */
  public boolean isReady() {
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.isValid(2)) {
        return false;
      }
      try (PreparedStatement statement = connection.prepareStatement(SCHEMA_PRESENT);
          ResultSet rows = statement.executeQuery()) {
        return rows.next() && rows.getBoolean(1);
      }
    } catch (SQLException e) {
      return false;
    }
  }
}
