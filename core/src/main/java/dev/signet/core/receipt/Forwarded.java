package dev.signet.core.receipt;

/**
 * What happened when the normalised document was forwarded to an allow-listed host: the URL and
 * host as checked, the address dialled (the one the policy resolved and classified), and the
 * answer: its status, how many bytes were read (at most the response limit) and their content id,
 * or the error that ended the attempt. Signed with the receipt.
 */
public record Forwarded(
    String url,
    String host,
    String pinnedIp,
    Integer statusCode,
    Long responseSize,
    String responseCid,
    String error) {}
