package dev.signet.core.host;

import java.util.Objects;

/**
 * One allow-list entry: an exact host ({@code api.example.com}, {@code 203.0.113.7}, {@code
 * [2001:db8::1]}) or a wildcard {@code *.example.com} that matches any name ending in {@code
 * .example.com} on a label boundary, at any depth, but never {@code example.com} itself (list the
 * apex separately) and never an IP literal. Entries are normalised like URL hosts (IDNA, case,
 * trailing dot, IPv4 forms), so the spelling an operator chose does not matter.
 *
 * @param host the exact host, or the suffix after {@code *.} for a wildcard
 * @param wildcard whether this is a {@code *.} entry
 */
public record HostPattern(HostName host, boolean wildcard) {

  public HostPattern {
    Objects.requireNonNull(host, "host");
    if (wildcard && host.isLiteral()) {
      throw new IllegalArgumentException("a wildcard cannot cover an IP literal");
    }
  }

  /**
   * Reads one entry.
   *
   * @throws IllegalArgumentException saying why the entry is refused, after the entry in quotes
   */
  public static HostPattern parse(String entry) {
    Objects.requireNonNull(entry, "entry");
    String text = entry.strip();
    if (text.startsWith("*.")) {
      HostName suffix;
      try {
        suffix = HostName.parse(text.substring(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + entry + "': " + e.getMessage(), e);
      }
      if (suffix.isLiteral()) {
        throw new IllegalArgumentException(
            "'" + entry + "': a wildcard cannot cover an IP literal");
      }
      // *.com would hand a whole top-level domain to whoever registers a name in it.
      if (suffix.ascii().indexOf('.') < 0) {
        throw new IllegalArgumentException(
            "'" + entry + "': a wildcard needs at least two labels after *.");
      }
      return new HostPattern(suffix, true);
    }
    if (text.contains("*")) {
      throw new IllegalArgumentException("'" + entry + "': * is allowed only as a leading *.");
    }
    // A bare IPv6 address is accepted without brackets in the list.
    if (!text.startsWith("[") && text.indexOf(':') >= 0) {
      text = "[" + text + "]";
    }
    try {
      return new HostPattern(HostName.parse(text), false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + entry + "': " + e.getMessage(), e);
    }
  }

  /** Whether {@code candidate}, a normalised URL host, is covered by this entry. */
  public boolean matches(HostName candidate) {
    if (wildcard) {
      return !candidate.isLiteral() && candidate.ascii().endsWith("." + host.ascii());
    }
    if (host.isLiteral() || candidate.isLiteral()) {
      return host.isLiteral()
          && candidate.isLiteral()
          && host.literal().equals(candidate.literal());
    }
    return host.ascii().equals(candidate.ascii());
  }

  @Override
  public String toString() {
    return wildcard ? "*." + host.ascii() : host.inUrl();
  }
}
