package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
