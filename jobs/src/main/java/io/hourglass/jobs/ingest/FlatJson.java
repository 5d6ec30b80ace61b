package io.hourglass.jobs.ingest;

import io.hourglass.jobs.ingest.WebEventsTransforms.JsonObjects;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A fast path for {@link JsonObjects#parseObject}: the decoder's JSON parse was the largest single cost in
 * the ingest profile (Jackson's char parser plus its token machinery, per record). Nearly every record is a
 * plain object whose strings hold no escapes, so {@link #scan} reads that case with a loop over the record's
 * UTF-8 bytes (as the reader cut them from the line: no String is made of the record) and takes values and
 * nested objects or arrays as ranges of them. It declines anything else (an escape, a control character, a
 * duplicate name at any depth, a number or literal off the strict grammar, deep nesting, any doubt at all) and
 * the caller asks Jackson. So it answers only where it cannot disagree: the fields it gives are exactly those
 * {@link JsonObjects#parseObject} gives for the same text, and it never gives an error itself.
 *
 * <p>It also skips the map: the names the decoder asks for are known in advance ({@link Names}), each value
 * goes to its slot in a {@link Fields} reused from record to record, and a known name is recognised from its
 * bytes and hash as they are scanned, without a substring; the other names keep their order, each made once
 * while it keeps coming record after record. Every value stays a range of the bytes until it is asked for: as
 * a String, or as Spark's UTF-8 string in one copy ({@link Fields#utf8}).
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
   * {@link #scan(byte[], int, int, Fields)} of a text, by its UTF-8 bytes. False for null, and for a text with an
   * unpaired surrogate (UTF-8 cannot hold one: Jackson judges the text as it is).
   */
  static boolean scan(String text, Fields out) {
    if (text == null || hasUnpairedSurrogate(text)) {
      out.clear();
      return false;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return scan(bytes, 0, bytes.length, out);
  }

  /**
   * Scans a plain object, the valid UTF-8 bytes {@code b[start, end)}, into {@code out} (cleared first): the value
   * of a name that {@code out}'s {@link Names} know goes to its slot, found from the name's bytes without a
   * substring or a map lookup; other names keep their order. The values are what {@link JsonObjects#parseObject}
   * gives for the text. {@code out} reads the bytes until it is next cleared: they must not change meanwhile.
   *
   * @return false when the text is anything but a plain object: ask Jackson
   */
  static boolean scan(byte[] b, int start, int end, Fields out) {
    out.clear();
    out.bytes = b;
    int n = end;
    int i = skipWs(b, start, n);
    if (i >= n || b[i] != '{') {
      return false;
    }
    i = skipWs(b, i + 1, n);
    if (i < n && b[i] == '}') {
      return skipWs(b, i + 1, n) == n;
    }
    while (true) {
      if (i >= n || b[i] != '"') {
        return false;
      }
      // The name, hashed as it is scanned (Names.hash).
      int from = i + 1;
      int hash = 0;
      int j = from;
      while (true) {
        if (j >= n) {
          return false;
        }
        byte c = b[j];
        if (c == '"') {
          break;
        }
        if (c == '\\' || c >= 0 && c < 0x20) {
          return false;
        }
        hash = 31 * hash + (c & 0xFF);
        j++;
      }
      int slot = out.names.slot(b, from, j - from, hash);
      i = skipWs(b, j + 1, n);
      if (i >= n || b[i] != ':') {
        return false;
      }
      i = skipWs(b, i + 1, n);
      int valueEnd;
      boolean added;
      if (i < n && b[i] == '"') {
        int r = scanTopString(b, i, n);
        if (r == FAIL) {
          return false;
        }
        boolean ascii = r >= 0;
        valueEnd = ascii ? r : -r - 2;
        added = slot >= 0 ? out.putKnown(slot, i + 1, valueEnd - 1, ascii, false)
            : out.putOther(out.intern(b, from, j - from, hash), i + 1, valueEnd - 1, ascii, false);
      } else {
        valueEnd = scanValue(b, i, n, 1);
        if (valueEnd == FAIL) {
          return false;
        }
        byte c = b[i];
        boolean nested = c == '{' || c == '[';
        int valueFrom = c == 'n' ? -1 : i; // JSON null: no value
        // A number, true or false as written (ASCII by the grammar); an object or array as written.
        added = slot >= 0 ? out.putKnown(slot, valueFrom, valueEnd, !nested, nested)
            : out.putOther(out.intern(b, from, j - from, hash), valueFrom, valueEnd, !nested, nested);
      }
      if (!added) {
        return false; // a duplicate name: Jackson's error to give
      }
      i = separator(b, valueEnd, n, '}');
      if (i == FAIL) {
        return false;
      }
      if (b[i] == '}') {
        return skipWs(b, i + 1, n) == n;
      }
      i = skipWs(b, i + 1, n);
    }
  }

  /**
   * Field names known in advance, each with a slot where {@link #scan} puts its value: a small open-addressing
   * table over the names' {@link #hash}, probed with the hash computed while the name is scanned.
   */
  static final class Names implements Serializable {
    private static final long serialVersionUID = 2L;
    /** No names known: every field is one of the others. */
    static final Names NONE = new Names(List.of());
    private final String[] names;
    private final byte[][] utf8;
    private final int[] hashes;
    /** slot + 1 at each position, 0 where empty. */
    private final int[] table;

    Names(List<String> names) {
      this.names = names.toArray(String[]::new);
      if (Set.copyOf(names).size() != names.size()) {
        throw new IllegalArgumentException("field names repeat: " + names);
      }
      this.utf8 = names.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
      this.hashes = Arrays.stream(utf8).mapToInt(u -> hash(u, 0, u.length)).toArray();
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
      byte[] u = name.getBytes(StandardCharsets.UTF_8);
      return slot(u, 0, u.length, hash(u, 0, u.length));
    }

    /** The slot of the name whose UTF-8 bytes are {@code b[from, from + length)}, of {@link #hash} {@code hash}, or -1. */
    int slot(byte[] b, int from, int length, int hash) {
      for (int at = start(hash); ; at = (at + 1) & (table.length - 1)) {
        int s = table[at] - 1;
        if (s < 0) {
          return -1;
        }
        if (hashes[s] == hash && Arrays.equals(utf8[s], 0, utf8[s].length, b, from, from + length)) {
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

  /** The hash {@link #scan} computes of a name as it reads it: String.hashCode's, over the UTF-8 bytes. */
  static int hash(byte[] b, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + (b[i] & 0xFF);
    }
    return h;
  }

  /**
   * The top-level fields of one object: known names by slot, the others in their order. One per decoder,
   * reused record after record, so a record costs no map. A value scanned is a range of the bytes until it is
   * asked for; one Jackson gave (see {@link #fill}) is a String.
   */
  static final class Fields {
    final Names names;
    /** The bytes scanned last: the values are ranges of them. */
    private byte[] bytes;
    /** A known name's value, once it is a String (asked for, or given by Jackson). */
    private final String[] values;
    /** Where a known name's value stands in {@link #bytes} (a string without its quotes); -1 for none or a String. */
    private final int[] from;
    private final int[] to;
    /** Whether the range is ASCII (a string found so, a number or a literal); else it is decoded as UTF-8. */
    private final boolean[] ascii;
    private final boolean[] present;
    private final boolean[] nested;
    private String[] otherNames = new String[4];
    /** Where each other name stands in the {@link #interned} names, -1 for none (a name Jackson gave). */
    private int[] otherInterned = new int[4];
    private String[] otherValues = new String[4];
    /** Where an other name's value stands in {@link #bytes}, as for the known names. */
    private int[] otherFrom = new int[4];
    private int[] otherTo = new int[4];
    private boolean[] otherAscii = new boolean[4];
    private boolean[] otherNested = new boolean[4];
    private int others;
    /**
     * Unknown names met lately, with their UTF-8 bytes, hashes and Spark strings: the same few names come record
     * after record (the props keys), so each is made once, not once a record. Direct-mapped by hash.
     */
    private final String[] interned = new String[INTERNED];
    private final byte[][] internedBytes = new byte[INTERNED][];
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
      bytes = null;
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
          present[slot] = true;
          values[slot] = e.getValue();
          nested[slot] = isNested;
        } else {
          appendOther(e.getKey(), -1, e.getValue(), -1, -1, false, isNested); // a map has no duplicate keys
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
        v = text(from[slot], to[slot], ascii[slot]);
        values[slot] = v;
      }
      return v;
    }

    /** {@link #get} as Spark's string: a scanned value goes from the bytes to it in one copy, no String made on the way. */
    UTF8String utf8(int slot) {
      if (slot < 0) {
        return null;
      }
      if (values[slot] == null && from[slot] >= 0) {
        return UTF8String.fromBytes(Arrays.copyOfRange(bytes, from[slot], to[slot]));
      }
      String v = values[slot];
      return v == null ? null : UTF8String.fromString(v);
    }

    /** -1 when the known name at {@code slot} is absent or JSON null, 0 when its value is empty, else more than 0. */
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
      if (values[slot] == null && bytes[from[slot]] >= 0) {
        return (char) bytes[from[slot]];
      }
      return get(slot).charAt(0); // a String already, or one that starts with a multi-byte character
    }

    /** Whether the known name at {@code slot} holds an object or an array. */
    boolean nested(int slot) {
      return slot >= 0 && nested[slot];
    }

    /**
     * {@link #scan} of the known name's value at {@code slot} (its object, say) into {@code into}, from the bytes
     * when it was scanned from them: no String made of it. False when absent or null, and as {@link #scan}.
     */
    boolean scanInto(int slot, Fields into) {
      if (slot >= 0 && values[slot] == null && from[slot] >= 0) {
        return scan(bytes, from[slot], to[slot], into);
      }
      return scan(get(slot), into);
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
        v = text(otherFrom[k], otherTo[k], otherAscii[k]);
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
        u = UTF8String.fromBytes(internedBytes[at]);
        internedUtf8[at] = u;
      }
      return u;
    }

    /** {@link #otherValue} as Spark's string, a scanned value in one copy from the bytes (as {@link #utf8}). */
    UTF8String otherUtf8(int k) {
      if (otherValues[k] == null && otherFrom[k] >= 0) {
        return UTF8String.fromBytes(Arrays.copyOfRange(bytes, otherFrom[k], otherTo[k]));
      }
      String v = otherValues[k];
      return v == null ? null : UTF8String.fromString(v);
    }

    boolean otherNested(int k) {
      return otherNested[k];
    }

    private String text(int start, int end, boolean isAscii) {
      return new String(bytes, start, end - start, isAscii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /** The place of the name {@code b[from, from + length)} (hash {@code hash}) in {@link #interned}, put there if new. */
    private int intern(byte[] b, int from, int length, int hash) {
      int at = (hash ^ (hash >>> 16)) & (INTERNED - 1);
      byte[] known = internedBytes[at];
      if (known == null || internedHashes[at] != hash || !Arrays.equals(known, 0, known.length, b, from, from + length)) {
        internedBytes[at] = Arrays.copyOfRange(b, from, from + length);
        interned[at] = new String(internedBytes[at], StandardCharsets.UTF_8);
        internedHashes[at] = hash;
        internedUtf8[at] = null;
      }
      return at;
    }

    /** A known name's value as the range {@code [start, end)} of the bytes (start -1 for JSON null). */
    private boolean putKnown(int slot, int start, int end, boolean isAscii, boolean isNested) {
      if (present[slot]) {
        return false;
      }
      present[slot] = true;
      from[slot] = start;
      to[slot] = end;
      ascii[slot] = isAscii;
      nested[slot] = isNested;
      return true;
    }

    /**
     * The name at {@code at} in {@link #interned}, with its value as the range {@code [start, end)} of the bytes
     * (start -1 for JSON null). False for a duplicate name, and past {@link #MAX_NESTED_NAMES} others (checked
     * pairwise: Jackson takes more).
     */
    private boolean putOther(int at, int start, int end, boolean isAscii, boolean isNested) {
      if (others >= MAX_NESTED_NAMES) {
        return false;
      }
      String name = interned[at];
      for (int k = 0; k < others; k++) {
        if (otherNames[k].equals(name)) {
          return false;
        }
      }
      appendOther(name, at, null, start, end, isAscii, isNested);
      return true;
    }

    private void appendOther(String name, int at, String value, int start, int end, boolean isAscii, boolean isNested) {
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
      otherInterned[others] = at;
      otherValues[others] = value;
      otherFrom[others] = start;
      otherTo[others] = end;
      otherAscii[others] = isAscii;
      otherNested[others++] = isNested;
    }
  }

  private static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** The end of the value at {@code i} inside a container at {@code depth}, or {@link #FAIL}. */
  private static int scanValue(byte[] b, int i, int n, int depth) {
    if (i >= n) {
      return FAIL;
    }
    return switch (b[i]) {
      case '"' -> scanString(b, i, n);
      case '{' -> scanObject(b, i, n, depth + 1);
      case '[' -> scanArray(b, i, n, depth + 1);
      case 'n' -> scanLiteral(b, i, n, NULL);
      case 't' -> scanLiteral(b, i, n, TRUE);
      case 'f' -> scanLiteral(b, i, n, FALSE);
      default -> scanNumber(b, i, n);
    };
  }

  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  /** The index after the closing quote of the string at {@code i}, or {@link #FAIL} at an escape or control. */
  private static int scanString(byte[] b, int i, int n) {
    for (int j = i + 1; j < n; j++) {
      byte c = b[j];
      if (c == '"') {
        return j + 1;
      }
      if (c == '\\' || c >= 0 && c < 0x20) {
        return FAIL;
      }
    }
    return FAIL;
  }

  /**
   * {@link #scanString} for a top-level value, which also tells whether the string holds only ASCII: the index
   * after the closing quote when it does, {@code -(that index) - 2} when it does not, {@link #FAIL} as there.
   */
  private static int scanTopString(byte[] b, int i, int n) {
    int seen = 0;
    for (int j = i + 1; j < n; j++) {
      byte c = b[j];
      if (c == '"') {
        return seen >= 0 ? j + 1 : -(j + 1) - 2;
      }
      if (c == '\\' || c >= 0 && c < 0x20) {
        return FAIL;
      }
      seen |= c; // a byte of a multi-byte character is negative
    }
    return FAIL;
  }

  private static int scanObject(byte[] b, int i, int n, int depth) {
    if (depth > MAX_DEPTH) {
      return FAIL;
    }
    i = skipWs(b, i + 1, n);
    if (i < n && b[i] == '}') {
      return i + 1;
    }
    int[] names = null; // start and end of each name so far, for the duplicate check
    int count = 0;
    while (true) {
      if (i >= n || b[i] != '"') {
        return FAIL;
      }
      int nameEnd = scanString(b, i, n);
      if (nameEnd == FAIL) {
        return FAIL;
      }
      int from = i + 1;
      int to = nameEnd - 1;
      if (names == null) {
        names = new int[16];
      } else {
        for (int k = 0; k < count; k += 2) {
          if (Arrays.equals(b, names[k], names[k + 1], b, from, to)) {
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
      names[count++] = to;
      i = skipWs(b, nameEnd, n);
      if (i >= n || b[i] != ':') {
        return FAIL;
      }
      i = scanValue(b, skipWs(b, i + 1, n), n, depth);
      if (i == FAIL || (i = separator(b, i, n, '}')) == FAIL) {
        return FAIL;
      }
      if (b[i] == '}') {
        return i + 1;
      }
      i = skipWs(b, i + 1, n);
    }
  }

  private static int scanArray(byte[] b, int i, int n, int depth) {
    if (depth > MAX_DEPTH) {
      return FAIL;
    }
    i = skipWs(b, i + 1, n);
    if (i < n && b[i] == ']') {
      return i + 1;
    }
    while (true) {
      i = scanValue(b, i, n, depth);
      if (i == FAIL || (i = separator(b, i, n, ']')) == FAIL) {
        return FAIL;
      }
      if (b[i] == ']') {
        return i + 1;
      }
      i = skipWs(b, i + 1, n);
    }
  }

  private static int scanLiteral(byte[] b, int i, int n, byte[] literal) {
    int end = i + literal.length;
    return end <= n && Arrays.equals(b, i, end, literal, 0, literal.length) && endsToken(b, end, n) ? end : FAIL;
  }

  /** The end of the number at {@code i} by the strict JSON grammar, or {@link #FAIL}. */
  private static int scanNumber(byte[] b, int i, int n) {
    int j = i;
    if (j < n && b[j] == '-') {
      j++;
    }
    if (j >= n) {
      return FAIL;
    }
    byte c = b[j];
    if (c == '0') {
      j++;
    } else if (c >= '1' && c <= '9') {
      j = skipDigits(b, j + 1, n);
    } else {
      return FAIL;
    }
    if (j < n && b[j] == '.') {
      int from = j + 1;
      j = skipDigits(b, from, n);
      if (j == from) {
        return FAIL;
      }
    }
    if (j < n && (b[j] == 'e' || b[j] == 'E')) {
      j++;
      if (j < n && (b[j] == '+' || b[j] == '-')) {
        j++;
      }
      int from = j;
      j = skipDigits(b, from, n);
      if (j == from) {
        return FAIL;
      }
    }
    return endsToken(b, j, n) ? j : FAIL;
  }

  private static int skipDigits(byte[] b, int i, int n) {
    while (i < n) {
      byte c = b[i];
      if (c < '0' || c > '9') {
        break;
      }
      i++;
    }
    return i;
  }

  /** Whether a number or literal ending at {@code i} is followed by what may follow a value in a container. */
  private static boolean endsToken(byte[] b, int i, int n) {
    if (i >= n) {
      return false;
    }
    byte c = b[i];
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** Where the ',' or {@code close} after a value ending at {@code i} stands (past whitespace), or {@link #FAIL}. */
  private static int separator(byte[] b, int i, int n, char close) {
    i = skipWs(b, i, n);
    return i < n && (b[i] == ',' || b[i] == close) ? i : FAIL;
  }

  private static int skipWs(byte[] b, int i, int n) {
    while (i < n) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }
}
