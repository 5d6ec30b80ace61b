package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConcatenatedRecordsTest {
  @Test
  void splitsObjectsWrittenBackToBack() {
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), ConcatenatedRecords.split("{\"a\":1}{\"b\":2}"));
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"), ConcatenatedRecords.split("{\"a\":1}{\"b\":2}{\"c\":3}"));
  }

  @Test
  void splitsNestedObjectsAtTheirOuterBraces() {
    assertEquals(List.of("{\"a\":{\"x\":{}}}", "{\"b\":[{\"c\":2}]}"),
        ConcatenatedRecords.split("{\"a\":{\"x\":{}}}{\"b\":[{\"c\":2}]}"));
  }

  @Test
  void bracesInsideStringsAreNotBoundaries() {
    assertEquals(List.of("{\"a\":\"x}{y\"}", "{\"b\":\"}\"}"), ConcatenatedRecords.split("{\"a\":\"x}{y\"}{\"b\":\"}\"}"));
    assertEquals(List.of("{\"a\":\"}{\"}"), ConcatenatedRecords.split("{\"a\":\"}{\"}"));
  }

  @Test
  void escapedQuotesDoNotEndAString() {
    String first = "{\"a\":\"say \\\"}{\\\" twice\"}";
    assertEquals(List.of(first, "{\"b\":2}"), ConcatenatedRecords.split(first + "{\"b\":2}"));
    assertEquals(List.of(first), ConcatenatedRecords.split(first));
  }

  @Test
  void anEscapedBackslashDoesEndAString() {
    String first = "{\"path\":\"C:\\\\\"}";
    assertEquals(List.of(first, "{\"b\":\"}{\"}"), ConcatenatedRecords.split(first + "{\"b\":\"}{\"}"));
  }

  @Test
  void whitespaceBetweenObjectsIsDropped() {
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), ConcatenatedRecords.split("  {\"a\":1} \t {\"b\":2} "));
  }

  /** What a {@link ConcatenatedRecords.Splitter} hands over: text (of the kept bytes), total length, offset. */
  private record Cut(String text, long total, long offset) {}

  private static List<Cut> splitStreaming(String line, int maxKept, int slice) {
    List<Cut> out = new ArrayList<>();
    ConcatenatedRecords.Splitter s = new ConcatenatedRecords.Splitter(maxKept,
        (bytes, kept, total, offset) -> out.add(new Cut(new String(bytes, 0, kept, StandardCharsets.UTF_8), total, offset)));
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i += slice) {
      s.feed(b, i, Math.min(slice, b.length - i));
    }
    s.finish();
    assertEquals(b.length, s.fed());
    assertEquals(out.size(), s.records());
    return out;
  }

  private static List<String> texts(List<Cut> cuts) {
    return cuts.stream().map(Cut::text).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"a\":1}{\"b\":2}{\"c\":3}",
      "  {\"a\":1} \t {\"b\":2} ",
      "{\"a\":{\"x\":{}}}{\"b\":[{\"c\":2}]}",
      "{\"a\":\"x}{y\"}{\"b\":\"}\"}",
      "{\"a\":\"say \\\"}{\\\" twice\"}{\"b\":2}",
      "{\"path\":\"C:\\\\\"}{\"b\":\"}{\"}",
      "{\"a\":\"caf\u00e9 }{ \ud83d\ude00\"}{\"b\":2}",
      "{\"a\":1}"})
  void theStreamingSplitterAgreesWithSplitOnCleanLinesWhateverTheSlices(String line) {
    for (int slice : new int[] {1, 2, 3, 7, 1 << 20}) {
      assertEquals(ConcatenatedRecords.split(line), texts(splitStreaming(line, 1 << 20, slice)), "slices of " + slice);
    }
  }

  @Test
  void theStreamingSplitterKeepsCompleteRecordsOfALineThatBreaksOff() {
    // split() judges such a line whole; streaming, the records before the break are already out.
    assertEquals(List.of("{\"a\":1}", "{\"b\":"), texts(splitStreaming("{\"a\":1}{\"b\":", 100, 3)));
    assertEquals(List.of("{\"a\":1}", "x{\"b\":2}{\"c\":3}"), texts(splitStreaming("{\"a\":1}x{\"b\":2}{\"c\":3}", 100, 2)));
    assertEquals(List.of("not json at all"), texts(splitStreaming("not json at all", 100, 4)));
    assertEquals(List.of(), texts(splitStreaming("   ", 100, 1)), "whitespace alone is no record; the reader decides");
  }

  @Test
  void theStreamingSplitterKeepsAtMostItsLimitAndTellsTheTrueLengthAndOffset() {
    String big = "{\"big\":\"" + "x".repeat(50) + "\"}";
    List<Cut> cuts = splitStreaming("{\"a\":1} " + big + "{\"b\":2}", 10, 4);
    assertEquals(List.of(
        new Cut("{\"a\":1}", 7, 0),
        new Cut(big.substring(0, 10), big.length(), 8),
        new Cut("{\"b\":2}", 7, 8 + big.length())), cuts);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"a\":1}",
      "{\"a\":{\"b\":1}}",
      "{\"a\":1}{\"b\":",
      "{\"a\":1}x{\"b\":2}{\"c\":3}",
      "x{\"a\":1}{\"b\":2}",
      "{\"a\":1}{\"b\":2}]",
      "}{",
      "{\"a\":1}}{\"b\":2}",
      "not json at all",
      "[1,2]",
      ""})
  void returnsTheLineWholeWhenItIsNotACleanConcatenation(String line) {
    assertEquals(List.of(line), ConcatenatedRecords.split(line));
  }
}
