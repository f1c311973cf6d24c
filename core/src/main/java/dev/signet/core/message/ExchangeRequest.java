package dev.signet.core.message;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/exchange} and of a record on the requests topic. The tenant is never
 * part of it: it comes from the API key (HTTP header or record header).
 */
public record ExchangeRequest(
    String payloadType,
    String targetType,
    JsonNode payload,
    String traceId,
    String forwardUrl,
    String expectedPrevReceiptHash) {}
