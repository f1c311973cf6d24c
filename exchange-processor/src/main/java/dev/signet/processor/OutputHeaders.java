package dev.signet.processor;

import dev.signet.core.message.SignetHeaders;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The headers (and dead-letter value) of what the exchange writes, in one place because they carry
 * its promises: the API key reaches neither the results nor the dead-letter topic. Always new
 * header objects: a record's headers are shared by every node it is forwarded to.
 */
final class OutputHeaders {

  /** Room left for a dead letter's headers and the batch overhead under the record limit. */
  static final int MAX_DEAD_LETTER_VALUE_BYTES =
      OutputLimits.MAX_RECORD_BYTES - RequestIntake.MAX_HEADER_BYTES - 4096;

  private OutputHeaders() {}

  /** Only the correlation id and acceptance time travel on to the result. */
  static Headers reply(Headers request) {
    return reply(
        SignetHeaders.text(request, SignetHeaders.CORRELATION_ID),
        SignetHeaders.text(request, SignetHeaders.ACCEPTED_AT));
  }

  /** The result of an exchange answered later, from what was kept of its request's headers. */
  static Headers reply(String correlationId, String acceptedAt) {
    Headers headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.CORRELATION_ID, correlationId);
    SignetHeaders.put(headers, SignetHeaders.ACCEPTED_AT, acceptedAt);
    return headers;
  }

  /**
   * A record whose sink stamps its MAC (a stage request, an FU charge): none of the request's
   * headers travel on, the API key least of all.
   */
  static Headers stampedBySink() {
    return new RecordHeaders();
  }

  static Headers receipt(String mac) {
    Headers headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.RECEIPT_MAC, mac);
    return headers;
  }

  /**
   * The original headers plus where the record first landed: the API key stays, it is needed at
   * home.
   */
  static Headers rerouted(Headers request, int landedOn) {
    Headers headers = new RecordHeaders(request.toArray());
    SignetHeaders.put(headers, SignetHeaders.REROUTED_FROM, Integer.toString(landedOn));
    return headers;
  }

  /** The original headers (never the API key), with the reason and the source position. */
  static Headers deadLetter(
      Headers request,
      String code,
      String reason,
      Optional<RecordMetadata> source,
      byte[] original) {
    Headers headers = new RecordHeaders();
    for (Header header : request) {
      if (!header.key().equals(SignetHeaders.API_KEY)) {
        headers.add(header);
      }
    }
    SignetHeaders.put(headers, SignetHeaders.ERROR_CODE, code);
    SignetHeaders.put(
        headers, SignetHeaders.ERROR, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
    source.ifPresent(
        position -> {
          SignetHeaders.put(
              headers, SignetHeaders.SOURCE_PARTITION, Integer.toString(position.partition()));
          SignetHeaders.put(headers, SignetHeaders.SOURCE_OFFSET, Long.toString(position.offset()));
        });
    if (original != null && original.length > MAX_DEAD_LETTER_VALUE_BYTES) {
      SignetHeaders.put(headers, SignetHeaders.TRUNCATED_FROM, Integer.toString(original.length));
    }
    return headers;
  }

  /**
   * The original bytes, or their first part when they would not fit in one record with the headers.
   */
  static byte[] deadLetterValue(byte[] original) {
    return original != null && original.length > MAX_DEAD_LETTER_VALUE_BYTES
        ? Arrays.copyOf(original, MAX_DEAD_LETTER_VALUE_BYTES)
        : original;
  }
}
