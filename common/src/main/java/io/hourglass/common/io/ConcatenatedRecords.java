package io.hourglass.common.io;

import java.util.ArrayList;
import java.util.List;

/** Firehose concatenates records without a separator when the producer adds no newline: {@code {...}{...}}. */
final class ConcatenatedRecords {
  private ConcatenatedRecords() {}

  /**
   * Splits a line holding several JSON objects written back to back ({@code {...}{...}}, as Firehose
   * does when the producer adds no newline) into one string per object. Braces inside strings are
   * respected. A line that is one object, or not JSON at all, comes back whole.
   */
  static List<String> split(String line) {
    if (line.indexOf('}') < 0 || line.indexOf('{') < 0 || !hasObjectBoundary(line)) {
      return List.of(line);
    }
    List<String> parts = new ArrayList<>(2);
    int depth = 0;
    int start = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (depth == 0) {
        if (c == '{') {
          start = i;
          depth = 1;
        } else if (!Character.isWhitespace(c)) {
          return List.of(line); // text between objects: not a clean concatenation, the parser judges it
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        parts.add(line.substring(start, i + 1));
      }
    }
    if (depth != 0 || parts.size() < 2) {
      return List.of(line); // cut mid-record, or a single object: one record, the parser decides
    }
    return parts;
  }

  private static boolean hasObjectBoundary(String line) {
    for (int i = line.indexOf('}'); i >= 0 && i < line.length() - 1; i = line.indexOf('}', i + 1)) {
      int j = i + 1;
      while (j < line.length() && Character.isWhitespace(line.charAt(j))) {
        j++;
      }
      if (j < line.length() && line.charAt(j) == '{') {
        return true;
      }
    }
    return false;
  }
}
