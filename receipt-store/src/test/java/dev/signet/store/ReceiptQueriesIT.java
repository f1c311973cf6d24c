package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.zaxxer.hikari.HikariDataSource;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bounded reads ingress serves chains and exports with, against a real PostgreSQL. */
class ReceiptQueriesIT {

  private static EmbeddedPostgres postgres;
  private static HikariDataSource dataSource;
  private static ReceiptQueries queries;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.start();
    dataSource = Database.open("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", null);
    queries = new ReceiptQueries(dataSource);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    dataSource.close();
    postgres.close();
  }

  @Test
  void shouldPageThroughAChainInHopOrder() throws SQLException {
    String traceId = stored("acme", 5);

    ChainPage first = queries.chainPage("acme", traceId, 0, 2).orElseThrow();
    ChainPage second = queries.chainPage("acme", traceId, first.nextAfterHop().getAsInt(), 2).orElseThrow();
    ChainPage last = queries.chainPage("acme", traceId, second.nextAfterHop().getAsInt(), 2).orElseThrow();

    assertThat(hops(first)).containsExactly(1, 2);
    assertThat(first.nextAfterHop()).hasValue(2);
    assertThat(hops(second)).containsExactly(3, 4);
    assertThat(second.nextAfterHop()).hasValue(4);
    assertThat(hops(last)).containsExactly(5);
    assertThat(last.nextAfterHop()).isEmpty();
  }

  @Test
  void shouldNotOfferANextPageWhenThePageEndsExactlyAtTheLastHop() throws SQLException {
    String traceId = stored("acme", 3);

    ChainPage page = queries.chainPage("acme", traceId, 0, 3).orElseThrow();

    assertThat(hops(page)).containsExactly(1, 2, 3);
    assertThat(page.nextAfterHop()).isEmpty();
  }

  @Test
  void shouldAnswerAnEmptyPagePastTheLastHopOfOwnTrace() throws SQLException {
    String traceId = stored("acme", 2);

    assertThat(queries.chainPage("acme", traceId, 2, 10)).hasValue(new ChainPage(List.of(), OptionalInt.empty()));
  }

  @Test
  void shouldHideAnotherTenantsTraceOnEveryPage() throws SQLException {
    String traceId = stored("acme", 3);

    assertThat(queries.chainPage("globex", traceId, 0, 10)).isEmpty();
    assertThat(queries.chainPage("globex", traceId, 1, 10)).isEmpty();
    assertThat(queries.chainPage("globex", traceId, 3, 10)).isEmpty();
    assertThat(queries.chainPage("acme", "no-such-trace", 0, 10)).isEmpty();
    assertThat(queries.chainPage("acme", "no-such-trace", 5, 10)).isEmpty();
  }

  @Test
  void shouldRefusePageBoundsOutsideTheApi() {
    assertThatIllegalArgumentException().isThrownBy(() -> queries.chainPage("acme", "t", 0, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> queries.chainPage("acme", "t", 0, ReceiptQueries.MAX_PAGE_SIZE + 1));
    assertThatIllegalArgumentException().isThrownBy(() -> queries.chainPage("acme", "t", -1, 10));
  }

  @Test
  void shouldReadAWholeChainOfAtMostOneMoreThanTheHopLimit() throws SQLException {
    // Rows the sink would never store (hop beyond MAX_HOPS): the read must stop at MAX_HOPS + 1.
    String traceId = TestReceipts.newTraceId();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO receipts (trace_id, hop, tenant, receipt_hash, ts, body) SELECT ?, h, 'acme', 'sha256:x', now(), '{}' "
                + "FROM generate_series(1, ?) AS h")) {
      insert.setString(1, traceId);
      insert.setInt(2, Receipt.MAX_HOPS + 5);
      insert.executeUpdate();
    }

    assertThat(queries.chain("acme", traceId).orElseThrow()).hasSize(Receipt.MAX_HOPS + 1);
  }

  @Test
  void shouldListTheHopsWithConflictsOfATraceOnly() throws SQLException {
    String traceId = stored("acme", 3);
    String otherTrace = stored("acme", 1);
    conflict(traceId, 3, "sha256:a");
    conflict(traceId, 2, "sha256:b");
    conflict(traceId, 2, "sha256:c");

    assertThat(queries.conflictingHops(traceId)).containsExactly(2, 3);
    assertThat(queries.conflictingHops(otherTrace)).isEmpty();
  }

  private static List<Integer> hops(ChainPage page) {
    return page.receipts().stream().map(receipt -> receipt.get("hop").asInt()).toList();
  }

  private static String stored(String tenant, int hops) throws SQLException {
    String traceId = TestReceipts.newTraceId();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO receipts (trace_id, hop, tenant, receipt_hash, prev_receipt_hash, ts, body) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      // Inserted last hop first: the order of the reads must come from the query, not the heap.
      List<Receipt> chain = TestReceipts.chain(traceId, tenant, hops);
      for (int i = chain.size() - 1; i >= 0; i--) {
        Receipt receipt = chain.get(i);
        insert.setString(1, traceId);
        insert.setInt(2, receipt.hop());
        insert.setString(3, tenant);
        insert.setString(4, receipt.receiptHash());
        insert.setString(5, receipt.prevReceiptHash());
        insert.setTimestamp(6, Timestamp.from(Instant.parse(receipt.ts())));
        insert.setString(7, Json.toText(receipt));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    return traceId;
  }

  private static void conflict(String traceId, int hop, String incomingHash) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO receipt_conflicts (trace_id, hop, existing_hash, incoming_hash, incoming_body) VALUES (?, ?, 'sha256:e', ?, '{}')")) {
      insert.setString(1, traceId);
      insert.setInt(2, hop);
      insert.setString(3, incomingHash);
      insert.executeUpdate();
    }
  }
}
