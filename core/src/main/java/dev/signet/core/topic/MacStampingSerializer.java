package dev.signet.core.topic;

import dev.signet.core.crypto.RecordMac;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serialises a value and stamps its {@link RecordMac} header over exactly the bytes written, so a
 * Streams sink or a producer publishes records their consumers can authenticate.
 */
public final class MacStampingSerializer<T> implements Serializer<T> {

  private final Serializer<T> inner;
  private final RecordMac mac;

  public MacStampingSerializer(Serializer<T> inner, RecordMac mac) {
    this.inner = inner;
    this.mac = mac;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    throw new UnsupportedOperationException(
        "a MAC-stamped record needs its headers: use serialize(topic, headers, data)");
  }

  @Override
  public byte[] serialize(String topic, Headers headers, T data) {
    byte[] bytes = inner.serialize(topic, headers, data);
    if (bytes != null) {
      mac.stamp(headers, bytes);
    }
    return bytes;
  }

  @Override
  public void close() {
    inner.close();
  }
}
