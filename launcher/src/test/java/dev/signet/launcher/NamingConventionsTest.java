package dev.signet.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** One name for one thing across the services: the logger of a class is its {@code log}. */
class NamingConventionsTest {

  private static final JavaClasses SIGNET = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.signet");

  @Test
  void shouldNameEveryLoggerLog() {
    fields().that().haveRawType(Logger.class)
        // Still LOG in the processor, which is being reshaped separately (issue 7, items 1 and 3);
        // drop these two exceptions when it is renamed there.
        .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("dev.signet.processor.ExchangeProcessorService")
        .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("dev.signet.processor.idempotency.IdempotencyStore")
        .should().haveName("log")
        .andShould().bePrivate()
        .andShould().beStatic()
        .andShould().beFinal()
        .check(SIGNET);
  }
}
