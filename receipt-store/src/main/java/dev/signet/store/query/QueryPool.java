package dev.signet.store.query;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The read-only connection pool {@link ReceiptQueries} reads through. It never migrates: the
 * receipt store's sink owns the schema and brings it up to date at its start, so a reader that
 * comes up first sees no tables and reports not ready ({@link ReceiptQueries#isReady()}) until the
 * store has created them.
 */
public final class QueryPool {

  // Reads are short single-statement lookups; a few connections serve a whole ingress instance.
  private static final int SIZE = 4;
  private static final String NAME = "signet-receipt-queries";

  private QueryPool() {}

  /** A read-only pool; fails fast if the database is down. */
  public static HikariDataSource open(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName(NAME);
    config.setMaximumPoolSize(SIZE);
    // A write through this pool is a bug: PostgreSQL refuses it in a read-only session. The
    // driver's default applies read-only to explicit transactions only, not to autocommit reads.
    config.setReadOnly(true);
    config.addDataSourceProperty("readOnlyMode", "always");
    // Shows who holds a connection in pg_stat_activity.
    config.addDataSourceProperty("ApplicationName", NAME);
    return new HikariDataSource(config);
  }
}
