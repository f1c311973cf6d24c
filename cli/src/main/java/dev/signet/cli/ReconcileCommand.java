package dev.signet.cli;

import dev.signet.core.config.Env;
import dev.signet.core.config.PostgresSettings;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code signet billing reconcile --period YYYY-MM}: compares, for one UTC month, the receipts
 * stored with the period totals, the charges with the tier formula, the pushable charges with the
 * push ledger and (with {@code SP_STRIPE_API_KEY}) the ledger with Stripe's meter event summaries.
 * Prints every difference; exit 0 when everything matches, 1 on any difference, 2 on an error.
 */
@Command(
    name = "reconcile",
    description = {
      "Compare one UTC month across receipts, period totals, charges, the Stripe push ledger and,"
          + " when SP_STRIPE_API_KEY is set, Stripe's meter event summaries.",
      "Reads PostgreSQL from SP_POSTGRES_URL, SP_POSTGRES_USER and SP_POSTGRES_PASSWORD."
    },
    footer = {"", "Exit codes: 0 everything matches, 1 differences found, 2 usage or I/O error."})
final class ReconcileCommand implements Callable<Integer> {

  @Mixin HelpOption helpOption;

  @Option(
      names = "--period",
      required = true,
      paramLabel = "YYYY-MM",
      description = "The UTC calendar month to reconcile.")
  String period;

  @Option(
      names = "--postgres-url",
      paramLabel = "URL",
      description =
          "jdbc:postgresql://… or postgresql://user:password@host/db (default: SP_POSTGRES_URL).")
  String postgresUrl;

  @Option(
      names = "--stripe-api-base",
      paramLabel = "URL",
      description = "Stripe's API base (default: SP_STRIPE_API_BASE, else https://api.stripe.com).")
  String stripeApiBase;

  @Option(
      names = "--skip-stripe",
      description = "Do not ask Stripe, even when SP_STRIPE_API_KEY is set.")
  boolean skipStripe;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    YearMonth month;
    try {
      month = YearMonth.parse(period);
    } catch (DateTimeException e) {
      throw new ParameterException(spec.commandLine(), "--period must be YYYY-MM, got " + period);
    }
    Env env = Env.system();
    PostgresSettings postgres =
        postgresUrl == null
            ? PostgresSettings.fromEnvironment(env)
            : PostgresSettings.of(
                postgresUrl,
                env.optional(PostgresSettings.ENV_USER),
                env.verbatim(PostgresSettings.ENV_PASSWORD));
    String stripeKey = skipStripe ? null : env.verbatim("SP_STRIPE_API_KEY");
    String base =
        stripeApiBase != null
            ? stripeApiBase
            : env.string("SP_STRIPE_API_BASE", "https://api.stripe.com");

    PrintWriter out = spec.commandLine().getOut();
    List<Reconciliation.Difference> differences = new ArrayList<>();
    try (Connection db = connect(postgres)) {
      Reconciliation reconciliation = new Reconciliation(db, month);
      differences.addAll(reconciliation.receiptsVsTotals());
      differences.addAll(reconciliation.chargesVsTiers());
      differences.addAll(reconciliation.chargesVsLedger());
      if (stripeKey == null) {
        out.println(
            "Stripe not compared: "
                + (skipStripe ? "--skip-stripe" : "SP_STRIPE_API_KEY is not set"));
      } else {
        differences.addAll(
            ledgerVsStripe(
                reconciliation.ledgerUnitsPushedInMonth(),
                new StripeSummaries(stripeKey.strip(), base, month)));
      }
    } catch (SQLException e) {
      throw new CliException(
          "cannot read billing's tables at "
              + PostgresSettings.redact(postgres.jdbcUrl())
              + ": "
              + e.getMessage(),
          e);
    }
    print(out, month, differences);
    return differences.isEmpty() ? SignetCli.OK : SignetCli.INVALID;
  }

  private static List<Reconciliation.Difference> ledgerVsStripe(
      List<Reconciliation.LedgerUnits> ledger, StripeSummaries stripe) {
    List<Reconciliation.Difference> differences = new ArrayList<>();
    for (Reconciliation.LedgerUnits units : ledger) {
      Optional<BigDecimal> counted = stripe.total(units.eventName(), units.customer());
      String item = units.eventName() + " / " + units.customer();
      if (counted.isEmpty()) {
        differences.add(
            new Reconciliation.Difference(
                Reconciliation.STRIPE,
                units.tenant(),
                item,
                units.units() + " units",
                "no Stripe meter with this event name"));
      } else if (counted.get().compareTo(BigDecimal.valueOf(units.units())) != 0) {
        differences.add(
            new Reconciliation.Difference(
                Reconciliation.STRIPE,
                units.tenant(),
                item,
                units.units() + " units",
                counted.get().toPlainString() + " units at Stripe"));
      }
    }
    return differences;
  }

  private static Connection connect(PostgresSettings postgres) throws SQLException {
    Properties properties = new Properties();
    if (postgres.user() != null) {
      properties.setProperty("user", postgres.user());
    }
    if (postgres.password() != null) {
      properties.setProperty("password", postgres.password());
    }
    properties.setProperty("ApplicationName", "signet-billing-reconcile");
    properties.setProperty("readOnly", "true");
    return DriverManager.getConnection(postgres.jdbcUrl(), properties);
  }

  static void print(PrintWriter out, YearMonth month, List<Reconciliation.Difference> rows) {
    if (rows.isEmpty()) {
      out.println("billing reconcile " + month + ": no difference, everything compared matches");
      out.flush();
      return;
    }
    String[] header = {"CHECK", "TENANT", "ITEM", "EXPECTED", "ACTUAL"};
    int[] widths = new int[header.length];
    List<String[]> table = new ArrayList<>();
    table.add(header);
    for (Reconciliation.Difference d : rows) {
      table.add(new String[] {d.check(), d.tenant(), d.item(), d.expected(), d.actual()});
    }
    for (String[] row : table) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], String.valueOf(row[i]).length());
      }
    }
    for (String[] row : table) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String cell = String.valueOf(row[i]);
        line.append(cell);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line);
    }
    out.println("billing reconcile " + month + ": " + rows.size() + " difference(s)");
    out.flush();
  }
}
