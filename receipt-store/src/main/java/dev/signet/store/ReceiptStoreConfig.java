package dev.signet.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;

/**
 * Where the receipt store reads from and writes to. The only class that reads the environment.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId the consumer group; instances sharing it split the partitions between them
 * @param jdbcUrl a {@code jdbc:postgresql:} URL
 * @param jdbcUser database user, or null when the URL carries it
 * @param jdbcPassword database password, or null
 * @param maxBatch the most receipts read by one poll and written by one statement
 */
public record ReceiptStoreConfig(
    String bootstrapServers, String groupId, String jdbcUrl, String jdbcUser, String jdbcPassword, int maxBatch) {

  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/signet";
  public static final String DEFAULT_GROUP_ID = "signet-receipt-store";
  /** Large enough to amortise a round trip, small enough to keep one statement's arrays ~1 MB. */
  public static final int DEFAULT_MAX_BATCH = 1000;

  private static final int MAX_BATCH_LIMIT = 10_000;
  private static final String JDBC_PREFIX = "jdbc:postgresql:";

  public ReceiptStoreConfig {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(groupId, "groupId");
    requireText(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith(JDBC_PREFIX)) {
      throw new IllegalArgumentException("jdbcUrl must start with " + JDBC_PREFIX + ", got " + redact(jdbcUrl));
    }
    if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
      throw new IllegalArgumentException("maxBatch must be within 1.." + MAX_BATCH_LIMIT + ", got " + maxBatch);
    }
  }

  /** Reads {@code SP_KAFKA_BOOTSTRAP}, {@code SP_POSTGRES_URL}, {@code SP_POSTGRES_USER}, {@code SP_POSTGRES_PASSWORD}. */
  public static ReceiptStoreConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * As {@link #fromEnvironment()} over the given variables. {@code SP_POSTGRES_URL} may also be a
   * libpq-style {@code postgresql://user:password@host:port/db} URL, the form the Python original
   * used; explicit {@code SP_POSTGRES_USER}/{@code SP_POSTGRES_PASSWORD} win over its user info.
   */
  public static ReceiptStoreConfig fromEnvironment(Map<String, String> env) {
    String url = orDefault(env.get("SP_POSTGRES_URL"), DEFAULT_JDBC_URL);
    String user = blankToNull(env.get("SP_POSTGRES_USER"));
    String password = blankToNull(env.get("SP_POSTGRES_PASSWORD"));
    if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
      URI uri = parse(url);
      String[] userInfo = uri.getUserInfo() == null ? new String[0] : uri.getUserInfo().split(":", 2);
      user = user != null ? user : (userInfo.length > 0 ? blankToNull(userInfo[0]) : null);
      password = password != null ? password : (userInfo.length > 1 ? userInfo[1] : null);
      url = JDBC_PREFIX + "//" + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
          + Objects.requireNonNullElse(uri.getRawPath(), "")
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
    return new ReceiptStoreConfig(
        orDefault(env.get("SP_KAFKA_BOOTSTRAP"), DEFAULT_BOOTSTRAP), DEFAULT_GROUP_ID, url, user, password,
        DEFAULT_MAX_BATCH);
  }

  // Records print every component; the password must never reach a log line.
  @Override
  public String toString() {
    return "ReceiptStoreConfig[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", jdbcUrl="
        + redact(jdbcUrl) + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword == null ? null : "***")
        + ", maxBatch=" + maxBatch + "]";
  }

  private static URI parse(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getRawAuthority() == null) {
        throw new IllegalArgumentException("SP_POSTGRES_URL has no host: " + redact(url));
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("SP_POSTGRES_URL is not a URL: " + redact(url), e);
    }
  }

  // JDBC URLs may carry password=...; keep it out of messages.
  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//[^/@]*@", "//***@");
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
