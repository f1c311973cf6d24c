package dev.signet.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * The schema of the receipt store (Flyway, {@code db/migration}) and the sink's connection pool.
 */
final class Database {

  /**
   * Flyway's history table for this module. Not the default {@code flyway_schema_history}, so
   * another module migrating its own tables in the same database cannot collide with ours.
   */
  static final String HISTORY_TABLE = "receipt_store_schema_history";

  private Database() {}

  /**
   * Brings the schema up to date over a connection of its own (the sink's single-connection pool
   * cannot lend Flyway two); safe to run from every instance at start-up (Flyway locks). Only the
   * receipt store migrates: readers open {@link dev.signet.store.query.QueryPool}, which never
   * does.
   */
  static void migrate(ReceiptStoreConfig store) {
    migrate(store.jdbcUrl(), store.jdbcUser(), store.jdbcPassword());
  }

  static void migrate(String jdbcUrl, String user, String password) {
    flyway().dataSource(jdbcUrl, user, password).load().migrate();
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
    return Flyway.configure().locations("classpath:db/migration").table(HISTORY_TABLE);
  }

  /**
   * The sink's single connection. It starts without connecting, so the sink can come up before the
   * database and keep retrying; it gives up on a connection after 3 s and on a silent socket after
   * 60 s (a batch takes milliseconds), so an outage or a dead peer turns into a retry with backoff
   * instead of a stall that would also cost the consumer its group membership.
   */
  static HikariDataSource writerPool(ReceiptStoreConfig store) {
    HikariConfig config =
        baseConfig(store.jdbcUrl(), store.jdbcUser(), store.jdbcPassword(), "signet-receipt-sink");
    config.setMaximumPoolSize(1);
    config.setAutoCommit(false);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(3_000);
    config.addDataSourceProperty("socketTimeout", "60");
    return new HikariDataSource(config);
  }

  private static HikariConfig baseConfig(
      String jdbcUrl, String user, String password, String poolName) {
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
