package dev.signet.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** {@code core} is a plain library: services depend on it, it depends on no framework. */
class ArchitectureTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.signet.core");

  @Test
  void shouldKeepCoreFreeOfSpring() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.core..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.springframework..")
        .check(CORE);
  }

  @Test
  void shouldKeepCoreFreeOfKafkaStreams() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.core..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.kafka.streams..")
        .check(CORE);
  }

  @Test
  void shouldKeepCoreBelowEveryOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("dev.signet.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.signet.shell..",
            "dev.signet.processor..",
            "dev.signet.billing..",
            "dev.signet.store..",
            "dev.signet.ingress..",
            "dev.signet.cli..",
            "dev.signet.launcher..")
        .check(CORE);
  }

  @Test
  void shouldImportCoreClasses() {
    org.assertj.core.api.Assertions.assertThat(CORE.containPackage("dev.signet.core.receipt"))
        .isTrue();
  }
}
