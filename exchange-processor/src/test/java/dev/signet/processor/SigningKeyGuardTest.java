package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.crypto.SigningKey;
import dev.signet.shell.HealthCheck;
import dev.signet.shell.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyGuardTest {

  private static final SigningKey OLD = SigningKey.generate("old");
  private static final SigningKey NEW = SigningKey.generate("new");

  @TempDir Path stateDir;

  private final AtomicBoolean clean = new AtomicBoolean();

  /** Stands in for the Streams application: counts starts. */
  private static final class FakeStreams implements Service {
    int starts;

    @Override
    public Service start() {
      starts++;
      return this;
    }

    @Override
    public boolean awaitRunning(Duration timeout) {
      return true;
    }

    @Override
    public Termination awaitTermination() {
      return Termination.STOPPED;
    }

    @Override
    public HealthCheck health() {
      return null;
    }

    @Override
    public void close() {}
  }

  private SigningKeyGuard guard(FakeStreams streams, SigningKey key) {
    return new SigningKeyGuard(streams, clean::get, stateDir, key);
  }

  /** A run with {@code key} that ended cleanly or not (a crash never reaches close()). */
  private void ran(SigningKey key, boolean stoppedCleanly) {
    SigningKeyGuard run = guard(new FakeStreams(), key);
    run.start();
    if (stoppedCleanly) {
      clean.set(true);
      run.close();
    }
  }

  @Test
  void shouldRefuseANewKeyAfterARunThatDidNotCommitEverything() {
    ran(OLD, false);
    FakeStreams streams = new FakeStreams();

    assertThatThrownBy(() -> guard(streams, NEW).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kid old -> new")
        .hasMessageContaining(SigningKeyGuard.FILE_NAME);
    assertThat(streams.starts).isZero();
  }

  @Test
  void shouldRefuseANewKeyWhenStreamsClosedButNotCleanly() {
    SigningKeyGuard run = guard(new FakeStreams(), OLD);
    run.start();
    clean.set(false);
    run.close();

    assertThatThrownBy(() -> guard(new FakeStreams(), NEW).start())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldRestartWithTheSameKeyAfterACrash() {
    ran(OLD, false);
    FakeStreams streams = new FakeStreams();

    guard(streams, OLD).start();

    assertThat(streams.starts).isEqualTo(1);
  }

  @Test
  void shouldAcceptANewKeyAfterACleanStop() {
    ran(OLD, true);
    FakeStreams streams = new FakeStreams();

    guard(streams, NEW).start();

    assertThat(streams.starts).isEqualTo(1);
    // The new key is now the one on record: a crash with it and a switch back is refused too.
    assertThatThrownBy(() -> guard(new FakeStreams(), OLD).start())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldTellAKeyByItsPublicKeyNotOnlyItsKid() {
    ran(OLD, false);
    SigningKey sameKidOtherSeed = SigningKey.generate("old");

    assertThatThrownBy(() -> guard(new FakeStreams(), sameKidOtherSeed).start())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldStartWhenTheOperatorDeletedTheRecord() throws Exception {
    ran(OLD, false);
    Files.delete(stateDir.resolve(SigningKeyGuard.FILE_NAME));
    FakeStreams streams = new FakeStreams();

    guard(streams, NEW).start();

    assertThat(streams.starts).isEqualTo(1);
  }
}
