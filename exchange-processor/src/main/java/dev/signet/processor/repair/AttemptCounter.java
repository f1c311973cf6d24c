package dev.signet.processor.repair;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Counts the HTTP attempts of one blocking model call. openai-java retries inside {@code
 * create(...)} and does not say how often; as an OkHttp application interceptor this sees each of
 * its attempts once (OkHttp's own silent reconnects happen further down the chain and are not
 * counted). A blocking call runs its interceptors on the calling thread, so the count is kept per
 * thread between {@link #begin()} and {@link #end()}.
 */
final class AttemptCounter implements Interceptor {

  private final ThreadLocal<int[]> current = new ThreadLocal<>();

  void begin() {
    current.set(new int[1]);
  }

  int count() {
    int[] count = current.get();
    return count == null ? 0 : count[0];
  }

  void end() {
    current.remove();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    int[] count = current.get();
    if (count != null) {
      count[0]++;
    }
    return chain.proceed(chain.request());
  }
}
