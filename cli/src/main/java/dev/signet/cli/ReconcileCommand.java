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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

  private final Env env;

  ReconcileCommand(Env env) {
    this.env = env;
  }

  /** One ledger total compared with Stripe's; {@code stripe} empty when no meter has the name. */
  record StripeComparison(Reconciliation.LedgerUnits ledger, Optional<BigDecimal> stripe) {
    boolean matches() {
      return stripe.isPresent() && stripe.get().compareTo(BigDecimal.valueOf(ledger.units())) == 0;
    }
  }

  @Override
  public Integer call() {
    YearMonth month;
    try {
      month = YearMonth.parse(period);
    } catch (DateTimeException e) {
      throw new ParameterException(spec.commandLine(), "--period must be YYYY-MM, got " + period);
    }
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
    List<StripeComparison> stripeComparisons = List.of();
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
        stripeComparisons =
            compare(
                reconciliation.ledgerUnitsPushedInMonth(),
                new StripeSummaries(stripeKey.strip(), base, month));
        printStripe(out, month, stripeComparisons);
        differences.addAll(differences(stripeComparisons));
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

  /**
   * Each ledger total vs Stripe's; then every other pair of the ledger's customers and event names,
   * so that units Stripe counted for a customer on a meter the ledger pushed nothing to that month
   * show too (as a ledger total of 0). Customers the ledger never names are not asked about.
   */
  private static List<StripeComparison> compare(
      List<Reconciliation.LedgerUnits> ledger, StripeSummaries stripe) {
    List<StripeComparison> comparisons = new ArrayList<>();
    Map<String, String> tenantsByCustomer = new TreeMap<>();
    Set<String> eventNames = new TreeSet<>();
    Set<String> pairs = new HashSet<>();
    for (Reconciliation.LedgerUnits units : ledger) {
      comparisons.add(
          new StripeComparison(units, stripe.total(units.eventName(), units.customer())));
      tenantsByCustomer.merge(units.customer(), units.tenants(), ReconcileCommand::union);
      eventNames.add(units.eventName());
      pairs.add(units.customer() + "\u0000" + units.eventName());
    }
    for (Map.Entry<String, String> customer : tenantsByCustomer.entrySet()) {
      for (String eventName : eventNames) {
        if (pairs.contains(customer.getKey() + "\u0000" + eventName)) {
          continue;
        }
        Optional<BigDecimal> counted = stripe.total(eventName, customer.getKey());
        // No meter is reported on the pair the ledger has; zero at Stripe agrees with the ledger.
        if (counted.isPresent() && counted.get().signum() != 0) {
          comparisons.add(
              new StripeComparison(
                  new Reconciliation.LedgerUnits(
                      customer.getValue(), customer.getKey(), eventName, 0),
                  counted));
        }
      }
    }
    return comparisons;
  }

  private static String union(String tenants, String more) {
    Set<String> all = new TreeSet<>(List.of(tenants.split(", ")));
    all.addAll(List.of(more.split(", ")));
    return String.join(", ", all);
  }

  private static List<Reconciliation.Difference> differences(List<StripeComparison> comparisons) {
    List<Reconciliation.Difference> differences = new ArrayList<>();
    for (StripeComparison c : comparisons) {
      if (c.matches()) {
        continue;
      }
      differences.add(
          new Reconciliation.Difference(
              Reconciliation.STRIPE,
              c.ledger().tenants(),
              c.ledger().eventName() + " / " + c.ledger().customer(),
              c.ledger().units() + " units",
              c.stripe()
                  .map(units -> units.toPlainString() + " units at Stripe")
                  .orElse("no Stripe meter with this event name")));
    }
    return differences;
  }

  /** Every ledger total compared with Stripe, matching or not, so a match is visible too. */
  private static void printStripe(
      PrintWriter out, YearMonth month, List<StripeComparison> comparisons) {
    out.println(
        "Stripe compared: ledger rows pushed in "
            + month
            + " vs Stripe's meter event summaries ("
            + comparisons.size()
            + " customer and event name pair(s))");
    if (comparisons.isEmpty()) {
      return;
    }
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"CUSTOMER", "EVENT NAME", "TENANT", "LEDGER", "STRIPE", "RESULT"});
    for (StripeComparison c : comparisons) {
      table.add(
          new String[] {
            c.ledger().customer(),
            c.ledger().eventName(),
            c.ledger().tenants(),
            Long.toString(c.ledger().units()),
            c.stripe().map(BigDecimal::toPlainString).orElse("-"),
            c.matches() ? "matches" : c.stripe().isEmpty() ? "no meter" : "differs"
          });
    }
    printTable(out, table);
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
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"CHECK", "TENANT", "ITEM", "EXPECTED", "ACTUAL"});
    for (Reconciliation.Difference d : rows) {
      table.add(new String[] {d.check(), d.tenant(), d.item(), d.expected(), d.actual()});
    }
    printTable(out, table);
    out.println("billing reconcile " + month + ": " + rows.size() + " difference(s)");
    out.flush();
  }

  /** Left-aligned columns, two spaces apart; the first row is the header. */
  private static void printTable(PrintWriter out, List<String[]> table) {
    int[] widths = new int[table.get(0).length];
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
  }
}
