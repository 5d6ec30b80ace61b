package io.hourglass.jobs.ingest;

import io.hourglass.jobs.ingest.WebEventsTransforms.JsonObjects;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A fast path for {@link JsonObjects#parseObject}: the decoder's JSON parse was the largest single cost in
 * the ingest profile (Jackson's char parser plus its token machinery, per record). Nearly every record is a
 * plain object whose strings hold no escapes, so {@link #scan} reads that case with a loop over the text and
 * takes values and nested objects or arrays as substrings of it. It declines anything else (an escape, a
 * control character, a duplicate name at any depth, a number or literal off the strict grammar, deep nesting,
 * any doubt at all) and the caller asks Jackson. So it answers only where it cannot disagree: the fields it
 * gives are exactly those {@link JsonObjects#parseObject} gives for the same text, and it never gives an
 * error itself.
 *
 * <p>It also skips the map: the names the decoder asks for are known in advance ({@link Names}), each value
 * goes straight to its slot in a {@link Fields} reused from record to record, and a known name is recognised
 * from its characters and hash as they are scanned, without a substring; the other names keep their order,
 * each made once while it keeps coming record after record. A top-level string value stays a range of the text
 * until it is asked for, and one that is all ASCII goes to Spark's UTF-8 string in one copy ({@link Fields#utf8}).
 */
final class FlatJson {
  /** Deepest nesting scanned, counting the top-level object as 1; deeper goes to Jackson (which allows 1000). */
  static final int MAX_DEPTH = 64;
  /**
   * Most names scanned in one nested object, or unknown to the {@link Names} at the top (they are checked for
   * duplicates pairwise); more goes to Jackson.
   */
  static final int MAX_NESTED_NAMES = 128;
  private static final int FAIL = -1;
  /** Unknown names a {@link Fields} keeps made (a power of two). */
  private static final int INTERNED = 64;

  private FlatJson() {}

  /**
   * Scans a plain object into {@code out} (cleared first): the value of a name that {@code out}'s
   * {@link Names} know goes to its slot, found from the name's characters without a substring or a map
   * lookup; other names keep their order. The values are what {@link JsonObjects#parseObject} gives for them.
   *
   * @return false when the text is anything but a plain object (and for null): ask Jackson
   */
  static boolean scan(String text, Fields out) {
    out.clear();
    if (text == null) {
      return false;
    }
    out.text = text;
    int n = text.length();
    int i = skipWs(text, 0);
    if (i >= n || text.charAt(i) != '{') {
      return false;
    }
    i = skipWs(text, i + 1);
    if (i < n && text.charAt(i) == '}') {
      return skipWs(text, i + 1) == n;
    }
    while (true) {
      if (i >= n || text.charAt(i) != '"') {
        return false;
      }
      // The name, hashed as String.hashCode hashes it, as it is scanned.
      int from = i + 1;
      int hash = 0;
      int j = from;
      while (true) {
        if (j >= n) {
          return false;
        }
        char c = text.charAt(j);
        if (c == '"') {
          break;
        }
        if (c == '\\' || c < 0x20) {
          return false;
        }
        hash = 31 * hash + c;
        j++;
      }
      int slot = out.names.slot(text, from, j - from, hash);
      i = skipWs(text, j + 1);
      if (i >= n || text.charAt(i) != ':') {
        return false;
      }
      i = skipWs(text, i + 1);
      int end;
      boolean added;
      if (i < n && text.charAt(i) == '"') {
        // A string: a known name's value stays a range of the text until it is asked for (see Fields.utf8).
        int r = scanTopString(text, i);
        if (r == FAIL) {
          return false;
        }
        boolean ascii = r >= 0;
        end = ascii ? r : -r - 2;
        added = slot >= 0 ? out.putKnownRange(slot, i + 1, end - 1, ascii)
            : out.putOther(out.intern(text, from, j - from, hash), null, i + 1, end - 1, ascii, false);
      } else {
        end = scanValue(text, i, 1);
        if (end == FAIL) {
          return false;
        }
        String value;
        boolean nested = false;
        char c = text.charAt(i);
        if (c == '{' || c == '[') {
          value = text.substring(i, end);
          nested = true;
        } else if (c == 'n') {
          value = null;
        } else {
          value = text.substring(i, end); // a number, true or false as written
        }
        added = slot >= 0 ? out.putKnown(slot, value, nested)
            : out.putOther(out.intern(text, from, j - from, hash), value, -1, -1, false, nested);
      }
      if (!added) {
        return false; // a duplicate name: Jackson's error to give
      }
      i = separator(text, end, '}');
      if (i == FAIL) {
        return false;
      }
      if (text.charAt(i) == '}') {
        return skipWs(text, i + 1) == n;
      }
      i = skipWs(text, i + 1);
    }
  }

  /**
   * Field names known in advance, each with a slot where {@link #scan} puts its value: a small open-addressing
   * table over the names' {@code String.hashCode}, probed with the hash computed while the name is scanned.
   */
  static final class Names implements Serializable {
    private static final long serialVersionUID = 1L;
    /** No names known: every field is one of the others. */
    static final Names NONE = new Names(List.of());
    private final String[] names;
    private final int[] hashes;
    /** slot + 1 at each position, 0 where empty. */
    private final int[] table;

    Names(List<String> names) {
      this.names = names.toArray(String[]::new);
      if (Set.copyOf(names).size() != names.size()) {
        throw new IllegalArgumentException("field names repeat: " + names);
      }
      this.hashes = names.stream().mapToInt(String::hashCode).toArray();
      this.table = new int[Math.max(8, Integer.highestOneBit(Math.max(1, names.size())) << 2)];
      for (int s = 0; s < this.names.length; s++) {
        int at = start(hashes[s]);
        while (table[at] != 0) {
          at = (at + 1) & (table.length - 1);
        }
        table[at] = s + 1;
      }
    }

    int size() {
      return names.length;
    }

    String name(int slot) {
      return names[slot];
    }

    /** The slot of {@code name}, or -1. */
    int slot(String name) {
      return slot(name, 0, name.length(), name.hashCode());
    }

    /** The slot of the name {@code text[from, from + length)} whose {@code String.hashCode} is {@code hash}, or -1. */
    int slot(String text, int from, int length, int hash) {
      for (int at = start(hash); ; at = (at + 1) & (table.length - 1)) {
        int s = table[at] - 1;
        if (s < 0) {
          return -1;
        }
        if (hashes[s] == hash && names[s].length() == length && text.regionMatches(from, names[s], 0, length)) {
          return s;
        }
      }
    }

    @Override
    public String toString() {
      return String.join(", ", names);
    }

    private int start(int hash) {
      return (hash ^ (hash >>> 16)) & (table.length - 1);
    }
  }

  /**
   * The top-level fields of one object: known names by slot, the others in their order. One per decoder,
   * reused record after record, so a record costs no map.
   */
  static final class Fields {
    final Names names;
    /** The text scanned last: the known names' string values are ranges of it until asked for. */
    private String text;
    /** A known name's value, once it is a String (a string value asked for, or any other value). */
    private final String[] values;
    /** Where a known name's string value stands in {@link #text} (without its quotes); -1 when in {@link #values}. */
    private final int[] from;
    private final int[] to;
    private final boolean[] ascii;
    private final boolean[] present;
    private final boolean[] nested;
    private String[] otherNames = new String[4];
    /** Where each other name stands in the {@link #interned} names, -1 for none (a name Jackson gave). */
    private int[] otherInterned = new int[4];
    private String[] otherValues = new String[4];
    /** Where an other name's string value stands in {@link #text}, as for the known names; -1 when in otherValues. */
    private int[] otherFrom = new int[4];
    private int[] otherTo = new int[4];
    private boolean[] otherAscii = new boolean[4];
    private boolean[] otherNested = new boolean[4];
    private int others;
    /**
     * Unknown names met lately, with their hashes and Spark strings: the same few names come record after
     * record (the props keys), so each is made once, not once a record. Direct-mapped by hash.
     */
    private final String[] interned = new String[INTERNED];
    private final int[] internedHashes = new int[INTERNED];
    private final UTF8String[] internedUtf8 = new UTF8String[INTERNED];

    Fields(Names names) {
      this.names = names;
      this.values = new String[names.size()];
      this.from = new int[names.size()];
      this.to = new int[names.size()];
      this.ascii = new boolean[names.size()];
      Arrays.fill(from, -1);
      this.present = new boolean[names.size()];
      this.nested = new boolean[names.size()];
    }

    void clear() {
      text = null;
      Arrays.fill(values, null);
      Arrays.fill(from, -1);
      Arrays.fill(present, false);
      Arrays.fill(nested, false);
      Arrays.fill(otherNames, 0, others, null);
      Arrays.fill(otherValues, 0, others, null);
      Arrays.fill(otherFrom, 0, others, -1);
      others = 0;
    }

    /** Jackson's answer for a text the scan left to it, in this form. */
    void fill(JsonObjects.Parsed parsed) {
      clear();
      Set<String> nestedNames = Set.copyOf(parsed.nested());
      for (Map.Entry<String, String> e : parsed.fields().entrySet()) {
        int slot = names.slot(e.getKey());
        boolean isNested = nestedNames.contains(e.getKey());
        if (slot >= 0) {
          putKnown(slot, e.getValue(), isNested);
        } else {
          appendOther(e.getKey(), e.getValue(), isNested); // a map has no duplicate keys, and may have any number
        }
      }
    }

    /** The value of the known name at {@code slot}: null when absent or JSON null (and for slot -1). */
    String get(int slot) {
      if (slot < 0) {
        return null;
      }
      String v = values[slot];
      if (v == null && from[slot] >= 0) {
        v = text.substring(from[slot], to[slot]);
        values[slot] = v;
      }
      return v;
    }

    /**
     * {@link #get} as Spark's string: an ASCII string value goes from the text to UTF-8 bytes in one copy, with
     * no String made on the way (the decoder copies most fields to the table as they are).
     */
    UTF8String utf8(int slot) {
      if (slot < 0) {
        return null;
      }
      if (values[slot] == null && from[slot] >= 0 && ascii[slot]) {
        return asciiUtf8(text, from[slot], to[slot]);
      }
      String v = get(slot);
      return v == null ? null : UTF8String.fromString(v);
    }

    /** The length of the known name's value at {@code slot}, -1 when absent or JSON null. */
    int length(int slot) {
      if (slot < 0) {
        return -1;
      }
      if (values[slot] != null) {
        return values[slot].length();
      }
      return from[slot] >= 0 ? to[slot] - from[slot] : -1;
    }

    /** The first character of the known name's value at {@code slot}; its {@link #length} must be 1 or more. */
    char first(int slot) {
      return values[slot] != null ? values[slot].charAt(0) : text.charAt(from[slot]);
    }

    /** Whether the known name at {@code slot} holds an object or an array. */
    boolean nested(int slot) {
      return slot >= 0 && nested[slot];
    }

    int others() {
      return others;
    }

    String otherName(int k) {
      return otherNames[k];
    }

    String otherValue(int k) {
      String v = otherValues[k];
      if (v == null && otherFrom[k] >= 0) {
        v = text.substring(otherFrom[k], otherTo[k]);
        otherValues[k] = v;
      }
      return v;
    }

    /** {@link #otherName} as Spark's string, made once for a name that comes record after record. */
    UTF8String otherNameUtf8(int k) {
      int at = otherInterned[k];
      if (at < 0 || interned[at] != otherNames[k]) { // not interned, or its place taken since by another name
        return UTF8String.fromString(otherNames[k]);
      }
      UTF8String u = internedUtf8[at];
      if (u == null) {
        u = UTF8String.fromString(otherNames[k]);
        internedUtf8[at] = u;
      }
      return u;
    }

    /** {@link #otherValue} as Spark's string, an ASCII string value in one copy from the text (as {@link #utf8}). */
    UTF8String otherUtf8(int k) {
      if (otherValues[k] == null && otherFrom[k] >= 0 && otherAscii[k]) {
        return asciiUtf8(text, otherFrom[k], otherTo[k]);
      }
      String v = otherValue(k);
      return v == null ? null : UTF8String.fromString(v);
    }

    /** The place of the name {@code text[from, from + length)} (hash {@code hash}) in {@link #interned}, put there if new. */
    private int intern(String text, int from, int length, int hash) {
      int at = (hash ^ (hash >>> 16)) & (INTERNED - 1);
      String name = interned[at];
      if (name == null || internedHashes[at] != hash || name.length() != length || !text.regionMatches(from, name, 0, length)) {
        interned[at] = text.substring(from, from + length);
        internedHashes[at] = hash;
        internedUtf8[at] = null;
      }
      return at;
    }

    boolean otherNested(int k) {
      return otherNested[k];
    }

    private boolean putKnown(int slot, String value, boolean isNested) {
      if (present[slot]) {
        return false;
      }
      present[slot] = true;
      values[slot] = value;
      nested[slot] = isNested;
      return true;
    }

    /** A known name's string value as the range {@code [start, end)} of the text, ASCII-only or not. */
    private boolean putKnownRange(int slot, int start, int end, boolean isAscii) {
      if (present[slot]) {
        return false;
      }
      present[slot] = true;
      from[slot] = start;
      to[slot] = end;
      ascii[slot] = isAscii;
      return true;
    }

    /**
     * The name at {@code at} in {@link #interned}, with its value: a String, or the range {@code [start, end)} of
     * the text for a string value (start -1 for none). False for a duplicate name, and past
     * {@link #MAX_NESTED_NAMES} others (checked pairwise: Jackson takes more).
     */
    private boolean putOther(int at, String value, int start, int end, boolean isAscii, boolean isNested) {
      if (others >= MAX_NESTED_NAMES) {
        return false;
      }
      String name = interned[at];
      for (int k = 0; k < others; k++) {
        if (otherNames[k].equals(name)) {
          return false;
        }
      }
      appendOther(name, value, isNested);
      otherInterned[others - 1] = at;
      otherFrom[others - 1] = start;
      otherTo[others - 1] = end;
      otherAscii[others - 1] = isAscii;
      return true;
    }

    private void appendOther(String name, String value, boolean isNested) {
      if (others == otherNames.length) {
        otherNames = Arrays.copyOf(otherNames, 2 * others);
        otherInterned = Arrays.copyOf(otherInterned, 2 * others);
        otherValues = Arrays.copyOf(otherValues, 2 * others);
        otherFrom = Arrays.copyOf(otherFrom, 2 * others);
        otherTo = Arrays.copyOf(otherTo, 2 * others);
        otherAscii = Arrays.copyOf(otherAscii, 2 * others);
        otherNested = Arrays.copyOf(otherNested, 2 * others);
      }
      otherNames[others] = name;
      otherInterned[others] = -1;
      otherValues[others] = value;
      otherFrom[others] = -1;
      otherNested[others++] = isNested;
    }
  }

  /** The ASCII-only range {@code [from, to)} of {@code text} as Spark's string, in one copy. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): each char's low 8 bits, exact for ASCII
  private static UTF8String asciiUtf8(String text, int from, int to) {
    byte[] bytes = new byte[to - from];
    text.getBytes(from, to, bytes, 0);
    return UTF8String.fromBytes(bytes);
  }

  /** The end of the value at {@code i} inside a container at {@code depth}, or {@link #FAIL}. */
  private static int scanValue(String s, int i, int depth) {
    if (i >= s.length()) {
      return FAIL;
    }
    return switch (s.charAt(i)) {
      case '"' -> scanString(s, i);
      case '{' -> scanObject(s, i, depth + 1);
      case '[' -> scanArray(s, i, depth + 1);
      case 'n' -> scanLiteral(s, i, "null");
      case 't' -> scanLiteral(s, i, "true");
      case 'f' -> scanLiteral(s, i, "false");
      default -> scanNumber(s, i);
    };
  }

  /** The index after the closing quote of the string at {@code i}, or {@link #FAIL} at an escape or control. */
  private static int scanString(String s, int i) {
    int n = s.length();
    for (int j = i + 1; j < n; j++) {
      char c = s.charAt(j);
      if (c == '"') {
        return j + 1;
      }
      if (c == '\\' || c < 0x20) {
        return FAIL;
      }
    }
    return FAIL;
  }

  /**
   * {@link #scanString} for a top-level value, which also tells whether the string holds only ASCII: the index
   * after the closing quote when it does, {@code -(that index) - 2} when it does not, {@link #FAIL} as there.
   */
  private static int scanTopString(String s, int i) {
    int n = s.length();
    int seen = 0;
    for (int j = i + 1; j < n; j++) {
      char c = s.charAt(j);
      if (c == '"') {
        return seen < 0x80 ? j + 1 : -(j + 1) - 2;
      }
      if (c == '\\' || c < 0x20) {
        return FAIL;
      }
      seen |= c;
    }
    return FAIL;
  }

  private static int scanObject(String s, int i, int depth) {
    if (depth > MAX_DEPTH) {
      return FAIL;
    }
    int n = s.length();
    i = skipWs(s, i + 1);
    if (i < n && s.charAt(i) == '}') {
      return i + 1;
    }
    int[] names = null; // start and end of each name so far, for the duplicate check
    int count = 0;
    while (true) {
      if (i >= n || s.charAt(i) != '"') {
        return FAIL;
      }
      int nameEnd = scanString(s, i);
      if (nameEnd == FAIL) {
        return FAIL;
      }
      int from = i + 1;
      int len = nameEnd - 1 - from;
      if (names == null) {
        names = new int[16];
      } else {
        for (int k = 0; k < count; k += 2) {
          if (names[k + 1] - names[k] == len && s.regionMatches(names[k], s, from, len)) {
            return FAIL; // a duplicate name: Jackson checks nested objects too
          }
        }
        if (count == names.length) {
          if (count >= 2 * MAX_NESTED_NAMES) {
            return FAIL;
          }
          names = Arrays.copyOf(names, 2 * count);
        }
      }
      names[count++] = from;
      names[count++] = from + len;
      i = skipWs(s, nameEnd);
      if (i >= n || s.charAt(i) != ':') {
        return FAIL;
      }
      i = scanValue(s, skipWs(s, i + 1), depth);
      if (i == FAIL || (i = separator(s, i, '}')) == FAIL) {
        return FAIL;
      }
      if (s.charAt(i) == '}') {
        return i + 1;
      }
      i = skipWs(s, i + 1);
    }
  }

  private static int scanArray(String s, int i, int depth) {
    if (depth > MAX_DEPTH) {
      return FAIL;
    }
    int n = s.length();
    i = skipWs(s, i + 1);
    if (i < n && s.charAt(i) == ']') {
      return i + 1;
    }
    while (true) {
      i = scanValue(s, i, depth);
      if (i == FAIL || (i = separator(s, i, ']')) == FAIL) {
        return FAIL;
      }
      if (s.charAt(i) == ']') {
        return i + 1;
      }
      i = skipWs(s, i + 1);
    }
  }

  private static int scanLiteral(String s, int i, String literal) {
    int end = i + literal.length();
    return s.startsWith(literal, i) && endsToken(s, end) ? end : FAIL;
  }

  /** The end of the number at {@code i} by the strict JSON grammar, or {@link #FAIL}. */
  private static int scanNumber(String s, int i) {
    int n = s.length();
    int j = i;
    if (j < n && s.charAt(j) == '-') {
      j++;
    }
    if (j >= n) {
      return FAIL;
    }
    char c = s.charAt(j);
    if (c == '0') {
      j++;
    } else if (c >= '1' && c <= '9') {
      j = skipDigits(s, j + 1);
    } else {
      return FAIL;
    }
    if (j < n && s.charAt(j) == '.') {
      int from = j + 1;
      j = skipDigits(s, from);
      if (j == from) {
        return FAIL;
      }
    }
    if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
      j++;
      if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        j++;
      }
      int from = j;
      j = skipDigits(s, from);
      if (j == from) {
        return FAIL;
      }
    }
    return endsToken(s, j) ? j : FAIL;
  }

  private static int skipDigits(String s, int i) {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      i++;
    }
    return i;
  }

  /** Whether a number or literal ending at {@code i} is followed by what may follow a value in a container. */
  private static boolean endsToken(String s, int i) {
    if (i >= s.length()) {
      return false;
    }
    char c = s.charAt(i);
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** Where the ',' or {@code close} after a value ending at {@code i} stands (past whitespace), or {@link #FAIL}. */
  private static int separator(String s, int i, char close) {
    i = skipWs(s, i);
    return i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == close) ? i : FAIL;
  }

  private static int skipWs(String s, int i) {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }
}
