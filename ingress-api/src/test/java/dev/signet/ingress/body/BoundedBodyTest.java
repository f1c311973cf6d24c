package dev.signet.ingress.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.core.error.ErrorCode;
import dev.signet.ingress.config.TestIngressProperties;
import dev.signet.ingress.errors.ApiException;
import jakarta.servlet.ServletInputStream;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockHttpServletRequest;

class BoundedBodyTest {

  private static final int MAX = 2048;

  private final BoundedBody bodies = new BoundedBody(TestIngressProperties.withLimits(MAX, 64));

  @Test
  void shouldRefuseADeclaredOversizeBodyWithoutReadingIt() {
    CountingStream endless = new CountingStream(Long.MAX_VALUE);

    assertThatThrownBy(() -> bodies.read(request(MAX + 1L, endless)))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    assertThat(endless.handedOut).isZero();
  }

  @Test
  void shouldStopReadingAChunkedBodyOneBytePastTheLimit() {
    CountingStream endless = new CountingStream(Long.MAX_VALUE);

    assertThatThrownBy(() -> bodies.read(request(-1, endless)))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    assertThat(endless.handedOut).isEqualTo(MAX + 1L);
  }

  @Test
  void shouldReturnAChunkedBodyOfExactlyTheLimit() {
    assertThat(bodies.read(request(-1, new CountingStream(MAX)))).hasSize(MAX);
  }

  @Test
  void shouldReturnADeclaredBodyOfExactlyTheLimit() {
    assertThat(bodies.read(request(MAX, new CountingStream(MAX)))).hasSize(MAX);
  }

  @Test
  void shouldReturnAnEmptyBodyWhenThereIsNone() {
    assertThat(bodies.read(request(-1, new CountingStream(0)))).isEmpty();
  }

  @Test
  void shouldRefuseABodyLongerThanItsDeclaredLengthToo() {
    // A declared length is the client's word: the cap on what is read still holds.
    assertThatThrownBy(() -> bodies.read(request(10, new CountingStream(Long.MAX_VALUE))))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
  }

  private static MockHttpServletRequest request(long contentLength, InputStream body) {
    return new MockHttpServletRequest("POST", "/v1/exchange") {
      @Override
      public long getContentLengthLong() {
        return contentLength;
      }

      @Override
      public ServletInputStream getInputStream() {
        return new DelegatingServletInputStream(body);
      }
    };
  }

  /** {@code length} bytes of {@code x}, generated as read, counting what it handed out. */
  private static final class CountingStream extends InputStream {
    private final long length;
    long handedOut;

    CountingStream(long length) {
      this.length = length;
    }

    @Override
    public int read() {
      if (handedOut >= length) {
        return -1;
      }
      handedOut++;
      return 'x';
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
      if (handedOut >= length) {
        return -1;
      }
      int n = (int) Math.min(count, length - handedOut);
      Arrays.fill(buffer, offset, offset + n, (byte) 'x');
      handedOut += n;
      return n;
    }
  }
}
