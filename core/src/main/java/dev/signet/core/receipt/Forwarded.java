package dev.signet.core.receipt;

/** What happened when the normalised document was forwarded to an allow-listed host. */
public record Forwarded(
    String url,
    String host,
    String pinnedIp,
    Integer statusCode,
    Long responseSize,
    String error) {}
