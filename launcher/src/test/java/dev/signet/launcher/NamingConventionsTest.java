package dev.signet.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** One name for one thing across the services: the logger of a class is its {@code log}. */
class NamingConventionsTest {

  private static final JavaClasses SIGNET =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.signet");

  @Test
  void shouldNameEveryLoggerLog() {
    fields()
        .that()
        .haveRawType(Logger.class)
        .should()
        .haveName("log")
        .andShould()
        .bePrivate()
        .andShould()
        .beStatic()
        .andShould()
        .beFinal()
        .check(SIGNET);
  }
}
