package io.hourglass.common.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Finds the first bytes that are not UTF-8, so that a reader can refuse a record instead of passing on
 * text whose U+FFFD stands for bytes that were never sent as text. Not thread-safe (one per task).
 */
final class Utf8Check {
  private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final CharBuffer out = CharBuffer.allocate(8 * 1024);

  /** "at byte N of the {@code unit} (0x.. 0x..)" for the first invalid sequence, or null when the bytes are UTF-8. */
  String firstError(byte[] bytes, int off, int len, String unit) {
    return firstError(bytes, off, len, 0, unit);
  }

  /** The same, for bytes that start {@code unitOffset} bytes into their unit (a slice of a long line). */
  String firstError(byte[] bytes, int off, int len, long unitOffset, String unit) {
    strict.reset();
    ByteBuffer src = ByteBuffer.wrap(bytes, off, len);
    while (true) {
      out.clear();
      CoderResult r = strict.decode(src, out, true);
      if (r.isError()) {
        int at = src.position();
        StringBuilder hex = new StringBuilder();
        for (int i = at; i < at + r.length(); i++) {
          hex.append(hex.length() == 0 ? "" : " ").append(String.format("0x%02X", bytes[i] & 0xFF));
        }
        return "at byte " + (unitOffset + at - off + 1) + " of the " + unit + " (" + hex + ")";
      }
      if (!r.isOverflow()) {
        return null;
      }
    }
  }
}
