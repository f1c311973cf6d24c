package dev.signet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.Receipt;
import dev.signet.store.query.ChainPage;
import dev.signet.store.query.QueryPool;
import dev.signet.store.query.ReceiptQueries;
import dev.signet.store.query.ReceiptStoreException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bounded reads ingress serves chains and exports with, through the read-only, never migrating
 * query pool, against a real PostgreSQL.
 */
class ReceiptQueriesIT {

  private static EmbeddedPostgres postgres;
  // Rows are written as the sink would, past the read-only pool the queries use.
  private static DataSource dataSource;
  private static HikariDataSource queryPool;
  private static ReceiptQueries queries;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.start();
    Database.migrate(jdbcUrl("postgres"), "postgres", null);
    dataSource = postgres.getPostgresDatabase();
    queryPool = QueryPool.open(jdbcUrl("postgres"), "postgres", null);
    queries = new ReceiptQueries(queryPool);
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    queryPool.close();
    postgres.close();
  }

  private static String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
  }

  @Test
  void shouldNeitherMigrateNorAnswerBeforeTheStoreCreatedItsSchema() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE before_the_store");
    }
    try (HikariDataSource pool = QueryPool.open(jdbcUrl("before_the_store"), "postgres", null)) {
      ReceiptQueries early = new ReceiptQueries(pool);

      assertThat(early.isReady()).isFalse();
      assertThatThrownBy(() -> early.chain("acme", "t-1"))
          .isInstanceOf(ReceiptStoreException.class);
      assertThat(tables(pool)).isZero();

      Database.migrate(jdbcUrl("before_the_store"), "postgres", null);

      assertThat(early.isReady()).isTrue();
      assertThat(early.chain("acme", "t-1")).isEmpty();
    }
  }

  @Test
  void shouldRefuseWritesThroughTheQueryPool() {
    assertThatThrownBy(
            () -> {
              try (Connection connection = queryPool.getConnection();
                  Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM receipts");
              }
            })
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("read-only");
  }

  private static int tables(DataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void shouldPageThroughAChainInHopOrder() throws SQLException {
    String traceId = stored("acme", 5);

    ChainPage first = queries.chainPage("acme", traceId, 0, 2).orElseThrow();
    ChainPage second =
        queries.chainPage("acme", traceId, first.nextAfterHop().getAsInt(), 2).orElseThrow();
    ChainPage last =
        queries.chainPage("acme", traceId, second.nextAfterHop().getAsInt(), 2).orElseThrow();

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

    assertThat(queries.chainPage("acme", traceId, 2, 10))
        .hasValue(new ChainPage(List.of(), OptionalInt.empty()));
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
    assertThatIllegalArgumentException()
        .isThrownBy(() -> queries.chainPage("acme", "t", 0, ReceiptQueries.MAX_PAGE_SIZE + 1));
    assertThatIllegalArgumentException().isThrownBy(() -> queries.chainPage("acme", "t", -1, 10));
  }

  @Test
  void shouldReadAWholeChainOfAtMostOneMoreThanTheHopLimit() throws SQLException {
    // Rows the sink would never store (hop beyond MAX_HOPS): the read must stop at MAX_HOPS + 1.
    String traceId = TestReceipts.newTraceId();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
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
        PreparedStatement insert =
            connection.prepareStatement(
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
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO receipt_conflicts (trace_id, hop, existing_hash, incoming_hash, incoming_body) VALUES (?, ?, 'sha256:e', ?, '{}')")) {
      insert.setString(1, traceId);
      insert.setInt(2, hop);
      insert.setString(3, incomingHash);
      insert.executeUpdate();
    }
  }
}
