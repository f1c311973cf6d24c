package dev.signet.core.receipt;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The receipt's {@code ts}: RFC 3339 UTC with milliseconds ({@code 2025-01-27T12:00:00.123Z}).
 * Every receipt is formatted once and parsed by each of its readers (the processor's chain check,
 * the store, billing), so the common form takes a path that allocates next to nothing; {@code
 * java.time}'s formatters build objects per call (ISO_INSTANT a whole new formatter per parse).
 * Results are exactly those of {@code DateTimeFormatter} and {@link Instant#parse}: any other input
 * is handed to them.
 */
public final class ReceiptTimestamps {

  private static final DateTimeFormatter FORM =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final int WITH_MILLIS = "2025-01-27T12:00:00.123Z".length();
  private static final int WITHOUT_MILLIS = "2025-01-27T12:00:00Z".length();

  private ReceiptTimestamps() {}

  /** The issuer's form, milliseconds truncated. */
  public static String format(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return FORM.format(instant);
    }
    char[] out = new char[WITH_MILLIS];
    digits(out, 0, t.getYear(), 4);
    out[4] = '-';
    digits(out, 5, t.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, t.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, t.getHour(), 2);
    out[13] = ':';
    digits(out, 14, t.getMinute(), 2);
    out[16] = ':';
    digits(out, 17, t.getSecond(), 2);
    out[19] = '.';
    digits(out, 20, instant.getNano() / 1_000_000, 3);
    out[23] = 'Z';
    return new String(out);
  }

  /**
   * As {@link Instant#parse}, which it calls for anything but {@code uuuu-MM-ddTHH:mm:ss[.SSS]Z}
   * with values in range.
   *
   * @throws java.time.format.DateTimeParseException as {@link Instant#parse} does
   */
  public static Instant parse(CharSequence text) {
    Instant fast = parseCommonForm(text);
    return fast != null ? fast : Instant.parse(text);
  }

  private static Instant parseCommonForm(CharSequence s) {
    int length = s.length();
    if (length != WITH_MILLIS && length != WITHOUT_MILLIS
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(length - 1) != 'Z'
        || length == WITH_MILLIS && s.charAt(19) != '.') {
      return null;
    }
    int year = number(s, 0, 4);
    int month = number(s, 5, 2);
    int day = number(s, 8, 2);
    int hour = number(s, 11, 2);
    int minute = number(s, 14, 2);
    int second = number(s, 17, 2);
    int millis = length == WITH_MILLIS ? number(s, 20, 3) : 0;
    if ((year | month | day | hour | minute | second | millis) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // February 30, hour 24, a leap second: Instant.parse decides
    }
  }

  /** The decimal number in {@code s[from, from + count)}, or -1 if a character is not a digit. */
  private static int number(CharSequence s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static void digits(char[] out, int at, int value, int count) {
    for (int i = at + count - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
