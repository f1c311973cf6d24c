package dev.signet.processor.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads, from arguments text that no parser accepted, the values the sender wrote for a few wanted
 * paths. One forward pass, no regular expressions, no backtracking: every character is looked at a
 * bounded number of times, so hostile text costs time linear in its length.
 *
 * <p>The reading is lexical and forgiving, like the text it reads: names quoted with {@code "} or
 * {@code '} or bare; a value is a quoted string (escapes decoded; a string also ends at a line
 * end, so a missing quote spoils one line, not the rest), a bare token up to {@code , } ]}, a line
 * end, a comment or a space before a quote (so a missing comma does not glue two members), or an
 * object or array. Paths come from the nesting of {@code { [} outside strings; array elements are
 * numbered by commas. {@code //}, {@code /* *}{@code /} and {@code #} comments are skipped, as the
 * tolerant parser skips them. The first container opened at the top is the root whatever precedes
 * it (prose, a code fence); {@code name: value} members written with no enclosing braces at all
 * count as members of the root. Strings are cleaned like decoded JSON strings ({@link Sanitizer}).
 */
final class WrittenValues {

  /** How a value was written. */
  enum Form {
    QUOTED,
    BARE,
    CONTAINER
  }

  /** One value the sender wrote; {@code text} is null for a container. */
  record Written(String text, Form form) {

    /** A bare {@code null}: the sender wrote that there is no value. */
    boolean isNull() {
      return form == Form.BARE && "null".equals(text);
    }
  }

  private WrittenValues() {}

  /** Every value written at each wanted path (paths as lists of names), in text order. */
  static Map<List<String>, List<Written>> read(String text, Set<List<String>> wanted) {
    Map<List<String>, List<Written>> found = new HashMap<>();
    if (!wanted.isEmpty()) {
      new Reader(text, wanted, found).run();
    }
    return found;
  }

  /** An open object or array: the name it sits under, and for an array the current element. */
  private static final class Frame {
    final boolean array;
    final String segment;
    int index;

    Frame(boolean array, String segment) {
      this.array = array;
      this.segment = segment;
    }
  }

  private static final class Reader {
    private final String s;
    private final int n;
    private final Set<List<String>> wanted;
    private final int maxDepth;
    private final Map<List<String>, List<Written>> found;
    private final List<Frame> frames = new ArrayList<>();
    private int i;
    private String name;
    private boolean colon;

    Reader(String text, Set<List<String>> wanted, Map<List<String>, List<Written>> found) {
      this.s = text;
      this.n = text.length();
      this.wanted = wanted;
      this.maxDepth = wanted.stream().mapToInt(List::size).max().orElse(0);
      this.found = found;
    }

    void run() {
      while (i < n) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '#' || (c == '/' && i + 1 < n && "/*".indexOf(s.charAt(i + 1)) >= 0)) {
          skipComment();
        } else if (c == '{' || c == '[') {
          open(c == '[');
          i++;
        } else if (c == '}' || c == ']') {
          if (!frames.isEmpty()) {
            frames.remove(frames.size() - 1);
          }
          clearMember();
          i++;
        } else if (c == ',') {
          Frame top = top();
          if (top != null && top.array) {
            top.index++;
          }
          clearMember();
          i++;
        } else if (c == ':') {
          colon = name != null;
          i++;
        } else if (c == '"' || c == '\'') {
          String string = readString(c);
          if (valuePosition()) {
            record(new Written(string, Form.QUOTED));
          } else {
            name = string;
            colon = false;
          }
        } else if (valuePosition()) {
          record(new Written(readBare(), Form.BARE));
        } else {
          name = readBareName();
          colon = false;
        }
      }
    }

    private Frame top() {
      return frames.isEmpty() ? null : frames.get(frames.size() - 1);
    }

    private boolean valuePosition() {
      Frame top = top();
      return colon || (top != null && top.array);
    }

    private void clearMember() {
      name = null;
      colon = false;
    }

    private void open(boolean array) {
      String segment;
      if (frames.isEmpty()) {
        segment = ""; // the root: whatever name precedes it was prose
      } else {
        Frame top = top();
        segment = top.array ? Integer.toString(top.index) : colon ? name : null;
        record(new Written(null, Form.CONTAINER));
      }
      frames.add(new Frame(array, segment));
      clearMember();
    }

    /** Files the value under the current path when that path is wanted. */
    private void record(Written value) {
      Frame top = top();
      String member = top != null && top.array ? Integer.toString(top.index) : colon ? name : null;
      // The root frame adds no name; members with no braces at all sit in the root too.
      int depth = Math.max(frames.size(), 1);
      if (member != null && depth <= maxDepth) {
        List<String> path = new ArrayList<>(depth);
        for (int f = 1; f < frames.size(); f++) {
          String segment = frames.get(f).segment;
          if (segment == null) {
            clearMember();
            return;
          }
          path.add(segment);
        }
        path.add(member);
        if (wanted.contains(path)) {
          found.computeIfAbsent(List.copyOf(path), p -> new ArrayList<>()).add(value);
        }
      }
      clearMember();
    }

    private void skipComment() {
      if (s.charAt(i) == '/' && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        int end = s.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      }
    }

    private String readString(char quote) {
      StringBuilder out = new StringBuilder();
      i++;
      while (i < n) {
        char c = s.charAt(i);
        if (c == quote) {
          i++;
          break;
        }
        if (c == '\n' || c == '\r') {
          break;
        }
        if (c == '\\' && i + 1 < n) {
          i += unescape(s.charAt(i + 1), out);
        } else {
          out.append(c);
          i++;
        }
      }
      return Sanitizer.sanitize(out.toString());
    }

    /** Appends the escaped character at {@code i + 1}; returns how many characters it used. */
    private int unescape(char e, StringBuilder out) {
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (i + 6 <= n && isHex(s, i + 2, i + 6)) {
            out.append((char) Integer.parseInt(s, i + 2, i + 6, 16));
            return 6;
          }
          out.append('u');
        }
        default -> out.append(e); // \" \' \\ \/ and anything else: the character itself
      }
      return 2;
    }

    private static boolean isHex(String text, int from, int to) {
      for (int k = from; k < to; k++) {
        if (Character.digit(text.charAt(k), 16) < 0) {
          return false;
        }
      }
      return true;
    }

    private String readBare() {
      int start = i;
      while (i < n) {
        char c = s.charAt(i);
        if (c == ',' || c == '}' || c == ']' || c == '\n' || c == '\r') {
          break;
        }
        if (c == '/' && i + 1 < n && "/*".indexOf(s.charAt(i + 1)) >= 0) {
          break;
        }
        if (Character.isWhitespace(c) && i + 1 < n && "\"'#".indexOf(s.charAt(i + 1)) >= 0) {
          break;
        }
        i++;
      }
      if (i == start) {
        i++;
      }
      return Sanitizer.sanitize(s.substring(start, i).strip());
    }

    private String readBareName() {
      int start = i;
      while (i < n) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c) || ":,{}[]\"'".indexOf(c) >= 0) {
          break;
        }
        if (c == '/' && i + 1 < n && "/*".indexOf(s.charAt(i + 1)) >= 0) {
          break;
        }
        i++;
      }
      if (i == start) {
        i++;
        return null;
      }
      return Sanitizer.sanitize(s.substring(start, i));
    }
  }
}
