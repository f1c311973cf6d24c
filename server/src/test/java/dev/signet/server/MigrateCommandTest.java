package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.config.Env;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {

  private static EmbeddedPostgres postgres;

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Test
  void shouldCreateBothSchemasAndSucceedAgainWhenUpToDate() throws SQLException {
    Env env =
        Env.of(
            Map.of(
                "SP_POSTGRES_URL", postgres.getJdbcUrl("postgres", "postgres"),
                "SP_POSTGRES_USER", "postgres",
                "SP_POSTGRES_PASSWORD", "postgres"));

    assertThat(MigrateCommand.run(new String[0], env, out)).isZero();
    assertThat(MigrateCommand.run(new String[0], env, out)).isZero();

    assertThat(tables())
        .contains("receipt_store_schema_history", "flyway_billing_history", "receipts");
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("receipt store schema up to date", "billing ledger schema up to date")
        .doesNotContain("password");
  }

  @Test
  void shouldFailWithTheRedactedTargetWhenPostgresIsUnreachable() {
    Env env =
        Env.of(
            Map.of(
                "SP_POSTGRES_URL",
                "jdbc:postgresql://127.0.0.1:1/signet?connectTimeout=1",
                "SP_POSTGRES_PASSWORD",
                "secret-value"));

    assertThat(MigrateCommand.run(new String[0], env, out)).isEqualTo(1);
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("migrate: failed at jdbc:postgresql://127.0.0.1:1/signet")
        .doesNotContain("secret-value");
  }

  @Test
  void shouldRefuseArguments() {
    assertThat(MigrateCommand.run(new String[] {"--now"}, Env.of(Map.of()), out)).isEqualTo(2);
  }

  private static List<String> tables() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        ResultSet rows =
            connection
                .createStatement()
                .executeQuery(
                    "select table_name from information_schema.tables where table_schema = 'public'")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }
}
