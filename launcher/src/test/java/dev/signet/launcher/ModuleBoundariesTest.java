package dev.signet.launcher;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Services talk through Kafka and PostgreSQL, never through each other's code. The one shared piece
 * besides {@code core} is the receipt store's query API ({@code dev.signet.store.query}), which
 * ingress reads chains with; it never migrates. Only the receipt store migrates the receipts
 * schema; billing migrates its own Stripe push ledger, with a history table of its own. The
 * loopback stubs of outside services serve tests and the bench only.
 */
class ModuleBoundariesTest {

  private static final String STORE_QUERIES = "dev.signet.store.query";
  private static final String STUBS = "dev.signet.stubs..";

  private static final JavaClasses SIGNET =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // Test fixtures shared as test-jars (billing's StripeStub) are tests too.
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("dev.signet");

  @Test
  void shouldKeepTheProcessorIndependentOfOtherServices() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.processor..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.signet.ingress..",
            "dev.signet.billing..",
            "dev.signet.store..",
            "dev.signet.launcher..")
        .check(SIGNET);
  }

  @Test
  void shouldKeepBillingIndependentOfOtherServices() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.billing..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.signet.ingress..",
            "dev.signet.processor..",
            "dev.signet.store..",
            "dev.signet.launcher..")
        .check(SIGNET);
  }

  @Test
  void shouldLetIngressUseOnlyTheReceiptStoresQueries() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.ingress..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.signet.processor..", "dev.signet.billing..", "dev.signet.launcher..")
        .check(SIGNET);
    // Exactly the query package: not the sink, and not Database, whose Flyway migrations only
    // the receipt store runs.
    noClasses()
        .that()
        .resideInAPackage("dev.signet.ingress..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.signet.store..").and(not(resideInAPackage(STORE_QUERIES))))
        .check(SIGNET);
  }

  @Test
  void shouldKeepTheStoreQueryApiFreeOfMigrationsAndTheSink() {
    noClasses()
        .that()
        .resideInAPackage(STORE_QUERIES)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.flywaydb..")
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("dev.signet.store")
        .check(SIGNET);
  }

  @Test
  void shouldKeepTheStoreAndCliIndependentOfServices() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.signet.store..", "dev.signet.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.signet.ingress..",
            "dev.signet.processor..",
            "dev.signet.billing..",
            "dev.signet.launcher..")
        .check(SIGNET);
  }

  @Test
  void shouldKeepTheServiceShellBelowEveryService() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.shell..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.signet.ingress..",
            "dev.signet.processor..",
            "dev.signet.billing..",
            "dev.signet.store..",
            "dev.signet.cli..",
            "dev.signet.launcher..")
        .check(SIGNET);
  }

  @Test
  void shouldLetOnlyTheBenchUseTheStubs() {
    // The stubs answer like outside services on loopback: a service wired to one would bill and
    // sign against a fake. Only the launcher's bench (and tests, not imported here) may use them.
    noClasses()
        .that()
        .resideOutsideOfPackages(STUBS, "dev.signet.launcher.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(STUBS)
        .check(SIGNET);
  }

  @Test
  void shouldLeaveIngressOnSpringsOwnHealthAndMetrics() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.ingress..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.signet.shell..")
        .check(SIGNET);
  }

  @Test
  void shouldReadTheEnvironmentOnlyThroughEnv() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.signet.processor..",
            "dev.signet.billing..",
            "dev.signet.store..",
            "dev.signet.shell..",
            "dev.signet.launcher..")
        .should()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .check(SIGNET);
  }

  @Test
  void shouldKeepSpringOutOfTheStreamApps() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.signet.processor..",
            "dev.signet.billing..",
            "dev.signet.store..",
            "dev.signet.shell..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.springframework..")
        .check(SIGNET);
  }
}
