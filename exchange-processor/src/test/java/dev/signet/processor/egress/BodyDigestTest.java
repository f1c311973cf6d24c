package dev.signet.processor.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyDigestTest {

  // sha256("abc"), FIPS 180-2 appendix B.1
  private static final String ABC =
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void shouldHashAWholeBodyWithinTheLimit() throws IOException {
    BodyDigest digest = new BodyDigest();

    boolean cut =
        digest.readAtMost(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), 10);

    assertThat(cut).isFalse();
    assertThat(digest.size()).isEqualTo(3);
    assertThat(digest.cid()).isEqualTo(ABC);
  }

  @Test
  void shouldTreatABodyOfExactlyTheLimitAsWhole() throws IOException {
    BodyDigest digest = new BodyDigest();

    assertThat(
            digest.readAtMost(
                new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), 3))
        .isFalse();
    assertThat(digest.cid()).isEqualTo(ABC);
  }

  @Test
  void shouldStopAtTheLimitAndHashOnlyWhatItCounted() throws IOException {
    BodyDigest digest = new BodyDigest();

    boolean cut =
        digest.readAtMost(
            new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.US_ASCII)), 3);

    assertThat(cut).isTrue();
    assertThat(digest.size()).isEqualTo(3);
    assertThat(digest.cid()).isEqualTo(ABC);
  }

  @Test
  void shouldNameAnEmptyBody() {
    assertThat(new BodyDigest().cid()).isEqualTo(EMPTY);
  }
}
