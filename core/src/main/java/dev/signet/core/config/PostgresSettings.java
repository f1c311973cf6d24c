package dev.signet.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where a service finds PostgreSQL: {@code SP_POSTGRES_URL}, {@code SP_POSTGRES_USER}, {@code
 * SP_POSTGRES_PASSWORD}, read the same way by every module that connects (receipt store, billing's
 * ledger worker, {@code signet billing reconcile}).
 *
 * @param jdbcUrl a {@code jdbc:postgresql:} URL
 * @param user database user, or null when the URL carries it
 * @param password database password, or null; never printed
 */
public record PostgresSettings(String jdbcUrl, String user, String password) {

  public static final String ENV_URL = "SP_POSTGRES_URL";
  public static final String ENV_USER = "SP_POSTGRES_USER";
  public static final String ENV_PASSWORD = "SP_POSTGRES_PASSWORD";
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/signet";

  private static final String JDBC_PREFIX = "jdbc:postgresql:";

  public PostgresSettings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (jdbcUrl.isBlank()) {
      throw new IllegalArgumentException("jdbcUrl must not be blank");
    }
    if (!jdbcUrl.startsWith(JDBC_PREFIX)) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with " + JDBC_PREFIX + ", got " + redact(jdbcUrl));
    }
  }

  /**
   * Reads the three variables ({@code SP_POSTGRES_URL} default {@value #DEFAULT_JDBC_URL}). The URL
   * may also be a libpq-style {@code postgresql://user:password@host:port/db}, the form the Python
   * original used; explicit {@code SP_POSTGRES_USER}/{@code SP_POSTGRES_PASSWORD} win over its user
   * info.
   */
  public static PostgresSettings fromEnvironment(Env env) {
    return of(
        env.string(ENV_URL, DEFAULT_JDBC_URL), env.optional(ENV_USER), env.verbatim(ENV_PASSWORD));
  }

  /** As {@link #fromEnvironment}, from a URL in either form (e.g. a command-line option). */
  public static PostgresSettings of(String url, String user, String password) {
    Objects.requireNonNull(url, ENV_URL);
    if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
      URI uri = parse(url);
      String[] userInfo =
          uri.getUserInfo() == null ? new String[0] : uri.getUserInfo().split(":", 2);
      user =
          user != null
              ? user
              : (userInfo.length > 0 && !userInfo[0].isBlank() ? userInfo[0] : null);
      password = password != null ? password : (userInfo.length > 1 ? userInfo[1] : null);
      url =
          JDBC_PREFIX
              + "//"
              + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
              + Objects.requireNonNullElse(uri.getRawPath(), "")
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
    return new PostgresSettings(url, user, password);
  }

  /** The URL without a password it may carry ({@code password=…} or user info). */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//[^/@]*@", "//***@");
  }

  // Records print every component; the password must never reach a log line.
  @Override
  public String toString() {
    return "PostgresSettings[jdbcUrl="
        + redact(jdbcUrl)
        + ", user="
        + user
        + ", password="
        + (password == null ? null : "***")
        + "]";
  }

  private static URI parse(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getRawAuthority() == null) {
        throw new IllegalArgumentException(ENV_URL + " has no host: " + redact(url));
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(ENV_URL + " is not a URL: " + redact(url), e);
    }
  }
}
