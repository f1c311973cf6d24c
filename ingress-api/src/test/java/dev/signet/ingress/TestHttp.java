package dev.signet.ingress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Requests of the integration tests to a running ingress, with a tenant's API key. */
public final class TestHttp {

  private TestHttp() {}

  /**
   * Sends {@code request} with {@code apiKey} in {@code X-SIGNET-API-Key} (none when null); the
   * body is read as text.
   */
  public static HttpResponse<String> send(
      HttpClient http, HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("X-SIGNET-API-Key", apiKey);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
