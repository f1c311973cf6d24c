package dev.signet.core.message;

import java.util.Objects;

/**
 * The processor asks the forward worker to deliver one exchange's normalised document. Keyed by
 * trace, written to the trace's partition, MAC-stamped ({@code ForwardMacs#request}); the worker
 * answers with one {@link ForwardOutcome} of the same {@code forwardId}. The target passed the
 * policy's checks that need no DNS (scheme, host allow-list, port); the worker resolves it once,
 * classifies every address, and dials the one it checked.
 *
 * @param forwardId deterministic id of this exchange's forward (a replay asks with the same one)
 * @param exchangeId sent as {@code X-Signet-Exchange-Id}, stable per exchange, so a receiver can
 *     drop a repeat (delivery is at-least-once)
 * @param url the normalised URL, as the receipt records it
 * @param host the ASCII (punycode) host name or IP literal checked against the allow-lists
 * @param ipLiteral whether {@code host} is an IP literal (dialled as is, never resolved)
 * @param pathAndQuery what follows the authority, {@code /} at least
 * @param developmentLoopback whether the development switch let an {@code http} loopback target
 *     through
 * @param cid {@code sha256:} of {@code canon}, sent as {@code X-Signet-Cid}
 * @param canon the RFC 8785 text of the normalised document: the body sent
 */
public record ForwardRequest(
    String forwardId,
    String exchangeId,
    String traceId,
    String tenant,
    String url,
    String scheme,
    String host,
    boolean ipLiteral,
    int port,
    String pathAndQuery,
    boolean developmentLoopback,
    String cid,
    String canon,
    String requestedAt) {

  public ForwardRequest {
    Objects.requireNonNull(forwardId, "forwardId");
    Objects.requireNonNull(exchangeId, "exchangeId");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(canon, "canon");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }
}
