package io.hourglass.jobs.ingest;

import io.hourglass.jobs.ingest.WebEventsTransforms.JsonObjects;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fast path for {@link JsonObjects#parseObject}: the decoder's JSON parse was the largest single cost in
 * the ingest profile (Jackson's char parser plus its token machinery, per record). Nearly every record is a
 * plain object whose strings hold no escapes, so this scans that case with a loop over the text and takes
 * names, values and nested objects or arrays as substrings of it. It gives null for anything else (an
 * escape, a control character, a duplicate name at any depth, a number or literal off the strict grammar,
 * deep nesting, any doubt at all) and the caller asks Jackson. So it answers only where it cannot disagree:
 * what it returns is exactly what {@link JsonObjects#parseObject} returns for the same text, and it never
 * gives an error itself.
 */
final class FlatJson {
  /** Deepest nesting scanned, counting the top-level object as 1; deeper goes to Jackson (which allows 1000). */
  static final int MAX_DEPTH = 64;
  /** Most names scanned in one nested object (they are checked for duplicates pairwise); more goes to Jackson. */
  static final int MAX_NESTED_NAMES = 128;
  private static final int FAIL = -1;

  private FlatJson() {}

  /** The same as {@link JsonObjects#parseObject} for a plain object; null when it cannot tell (and for null). */
  static JsonObjects.Parsed parse(String text) {
    if (text == null) {
      return null;
    }
    int n = text.length();
    int i = skipWs(text, 0);
    if (i >= n || text.charAt(i) != '{') {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>(32); // as the reference: an event has about 15 fields
    List<String> nested = new ArrayList<>(0);
    i = skipWs(text, i + 1);
    if (i < n && text.charAt(i) == '}') {
      i++;
    } else {
      while (true) {
        if (i >= n || text.charAt(i) != '"') {
          return null;
        }
        int nameEnd = scanString(text, i);
        if (nameEnd == FAIL) {
          return null;
        }
        String name = text.substring(i + 1, nameEnd - 1);
        i = skipWs(text, nameEnd);
        if (i >= n || text.charAt(i) != ':') {
          return null;
        }
        i = skipWs(text, i + 1);
        int end = scanValue(text, i, 1);
        if (end == FAIL) {
          return null;
        }
        String value;
        char c = text.charAt(i);
        if (c == '"') {
          value = text.substring(i + 1, end - 1);
        } else if (c == '{' || c == '[') {
          value = text.substring(i, end);
          nested.add(name);
        } else if (c == 'n') {
          value = null;
        } else {
          value = text.substring(i, end); // a number, true or false as written
        }
        int size = fields.size();
        fields.put(name, value);
        if (fields.size() == size) {
          return null; // a duplicate name: Jackson's error to give
        }
        i = separator(text, end, '}');
        if (i == FAIL) {
          return null;
        }
        if (text.charAt(i) == '}') {
          i++;
          break;
        }
        i = skipWs(text, i + 1);
      }
    }
    return skipWs(text, i) == n ? new JsonObjects.Parsed(fields, nested, null) : null;
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
