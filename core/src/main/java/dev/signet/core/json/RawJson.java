package dev.signet.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.util.RawValue;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A JSON value kept as the UTF-8 bytes it was written as. Written into an enclosing document
 * verbatim (no tree, no re-encoding) and parsed only when someone asks for {@link #tree()}: a
 * document that is built once and then only passed on (a sealed receipt inside a result, a result
 * body on its way to an HTTP caller) is never turned into a tree again.
 *
 * <p>The bytes are not copied: whoever creates one hands its array over and does not change it.
 */
@JsonSerialize(using = RawJson.Writer.class)
@JsonDeserialize(using = RawJson.Reader.class)
public final class RawJson {

  private final byte[] utf8;

  private RawJson(byte[] utf8) {
    this.utf8 = Objects.requireNonNull(utf8, "utf8");
  }

  /** Wraps JSON text that is already well-formed (the caller wrote it); the array is not copied. */
  public static RawJson of(byte[] utf8) {
    return new RawJson(utf8);
  }

  /**
   * The object {@code parser} stands at the start of, cut out of {@code value} (the bytes the
   * parser reads) as it is: no tree, no second serialisation. Leaves the parser at its end.
   */
  public static RawJson sliceObject(JsonParser parser, byte[] value) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      // Scalars are parsed lazily, so only a structure's end position is known here.
      throw new IllegalArgumentException("expected a JSON object, got " + parser.currentToken());
    }
    long start = parser.currentTokenLocation().getByteOffset();
    parser.skipChildren();
    long end = parser.currentLocation().getByteOffset();
    return of(Arrays.copyOfRange(value, Math.toIntExact(start), Math.toIntExact(end)));
  }

  /** Serialises a tree once. */
  public static RawJson of(JsonNode tree) {
    return new RawJson(Json.toBytes(tree));
  }

  /** The UTF-8 JSON text itself, not a copy: do not modify. */
  public byte[] bytes() {
    return utf8;
  }

  /** Parses the bytes: for readers that inspect the value, never on a pass-through path. */
  public JsonNode tree() {
    return Json.parse(utf8);
  }

  /** For a Jackson tree that embeds this value verbatim ({@code ObjectNode.putRawValue}). */
  public RawValue rawValue() {
    return new RawValue(new Utf8(utf8));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawJson raw && Arrays.equals(utf8, raw.utf8);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(utf8);
  }

  @Override
  public String toString() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /**
   * Writes the bytes as they are; a token buffer (a tree being built) gets a parsed value instead.
   */
  static final class Writer extends JsonSerializer<RawJson> {
    @Override
    public void serialize(RawJson value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (gen instanceof TokenBuffer) {
        gen.writeTree(value.tree());
      } else {
        gen.writeRawValue(new Utf8(value.utf8));
      }
    }
  }

  /**
   * Reading through Jackson costs one tree; {@code ExchangeResult.fromWire} shows the way without.
   */
  static final class Reader extends JsonDeserializer<RawJson> {
    @Override
    public RawJson deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonNode tree = context.readTree(parser);
      return RawJson.of(tree);
    }
  }

  /**
   * The bytes as Jackson's {@link SerializableString}, so that {@code writeRawValue} on a UTF-8
   * generator copies them straight into its buffer. Only the unquoted forms are used for raw
   * values; the quoted ones are there because the interface asks for them.
   */
  private static final class Utf8 implements SerializableString {
    private final byte[] utf8;

    Utf8(byte[] utf8) {
      this.utf8 = utf8;
    }

    @Override
    public String getValue() {
      return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
      return JsonStringEncoder.getInstance().quoteAsString(getValue());
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return utf8;
    }

    @Override
    public byte[] asQuotedUTF8() {
      return JsonStringEncoder.getInstance().quoteAsUTF8(getValue());
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      return append(asQuotedUTF8(), buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      return append(asQuotedChars(), buffer, offset);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      return append(utf8, buffer, offset);
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      return append(getValue().toCharArray(), buffer, offset);
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
      byte[] quoted = asQuotedUTF8();
      out.write(quoted);
      return quoted.length;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(utf8);
      return utf8.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      return put(asQuotedUTF8(), buffer);
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      return put(utf8, buffer);
    }

    private static int append(byte[] from, byte[] to, int offset) {
      if (offset + from.length > to.length) {
        return -1;
      }
      System.arraycopy(from, 0, to, offset, from.length);
      return from.length;
    }

    private static int append(char[] from, char[] to, int offset) {
      if (offset + from.length > to.length) {
        return -1;
      }
      System.arraycopy(from, 0, to, offset, from.length);
      return from.length;
    }

    private static int put(byte[] from, ByteBuffer to) {
      if (from.length > to.remaining()) {
        return -1;
      }
      to.put(from);
      return from.length;
    }
  }
}
