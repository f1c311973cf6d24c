package dev.signet.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Connection pools and the schema of the receipt store (Flyway, {@code db/migration}). */
public final class Database {

  /**
   * Flyway's history table for this module. Not the default {@code flyway_schema_history}, so
   * another module migrating its own tables in the same database cannot collide with ours.
   */
  static final String HISTORY_TABLE = "receipt_store_schema_history";

  // Reads are short single-statement lookups; a few connections serve a whole ingress instance.
  private static final int QUERY_POOL_SIZE = 4;

  private Database() {}

  /** A pool for {@link ReceiptQueries}, after migrating the schema; fails fast if the database is down. */
  public static HikariDataSource open(String jdbcUrl, String user, String password) {
    HikariConfig config = baseConfig(jdbcUrl, user, password, "signet-receipt-queries");
    config.setMaximumPoolSize(QUERY_POOL_SIZE);
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      migrate(dataSource);
      return dataSource;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /** Brings the schema up to date; safe to run from every instance at start-up (Flyway locks). */
  public static void migrate(DataSource dataSource) {
    flyway().dataSource(dataSource).load().migrate();
  }

  /** The same, over a connection of its own: the sink's single-connection pool cannot lend Flyway two. */
  static void migrate(ReceiptStoreConfig store) {
    flyway().dataSource(store.jdbcUrl(), store.jdbcUser(), store.jdbcPassword()).load().migrate();
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
    return Flyway.configure()
        .locations("classpath:db/migration")
        .table(HISTORY_TABLE);
  }

  /**
   * The sink's single connection. It starts without connecting, so the sink can come up before
   * the database and keep retrying; it gives up on a connection after 3 s and on a silent socket
   * after 60 s (a batch takes milliseconds), so an outage or a dead peer turns into a retry with
   * backoff instead of a stall that would also cost the consumer its group membership.
   */
  static HikariDataSource writerPool(ReceiptStoreConfig store) {
    HikariConfig config = baseConfig(store.jdbcUrl(), store.jdbcUser(), store.jdbcPassword(), "signet-receipt-sink");
    config.setMaximumPoolSize(1);
    config.setAutoCommit(false);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(3_000);
    config.addDataSourceProperty("socketTimeout", "60");
    return new HikariDataSource(config);
  }

  private static HikariConfig baseConfig(String jdbcUrl, String user, String password, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName(poolName);
    // Shows who holds a connection in pg_stat_activity.
    config.addDataSourceProperty("ApplicationName", poolName);
    return config;
  }
}
