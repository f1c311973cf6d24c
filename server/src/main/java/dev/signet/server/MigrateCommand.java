package dev.signet.server;

import dev.signet.billing.stripe.PushLedger;
import dev.signet.core.config.Env;
import dev.signet.core.config.PostgresSettings;
import dev.signet.store.ReceiptStoreApp;
import java.io.PrintStream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code signet migrate}: brings both PostgreSQL schemas up to date (the receipt store's, then
 * billing's ledger, each with its own Flyway history table) and exits 0, or 1 with the reason. A
 * release step (fly's {@code release_command}, a k8s Job) runs it before new services start, so a
 * failing migration stops the release instead of crash-looping every instance. The services still
 * migrate at start-up; after this that is a no-op.
 */
final class MigrateCommand {

  private MigrateCommand() {}

  static int run(String[] args, Env env, PrintStream out) {
    if (args.length > 0) {
      out.println(
          "usage: signet migrate   (reads SP_POSTGRES_URL, SP_POSTGRES_USER, SP_POSTGRES_PASSWORD)");
      return 2;
    }
    PostgresSettings postgres;
    try {
      postgres = PostgresSettings.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      out.println("migrate: " + e.getMessage());
      return 2;
    }
    String target = PostgresSettings.redact(postgres.jdbcUrl());
    try {
      ReceiptStoreApp.migrate(postgres);
      out.println("migrate: receipt store schema up to date at " + target);
      PushLedger.migrate(dataSource(postgres));
      out.println("migrate: billing ledger schema up to date at " + target);
      return 0;
    } catch (RuntimeException e) {
      out.println("migrate: failed at " + target + ": " + e.getMessage());
      return 1;
    }
  }

  private static PGSimpleDataSource dataSource(PostgresSettings postgres) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(postgres.jdbcUrl());
    if (postgres.user() != null) {
      dataSource.setUser(postgres.user());
    }
    if (postgres.password() != null) {
      dataSource.setPassword(postgres.password());
    }
    return dataSource;
  }
}
