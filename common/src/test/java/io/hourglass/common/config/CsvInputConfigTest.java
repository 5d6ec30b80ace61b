package io.hourglass.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code input.format} and {@code input.csv}: defaults, TSV, and every bad value named with its key. */
class CsvInputConfigTest {
  private static final String CSV = "hourglass.datasets.web_events.input.csv.";

  private static DatasetSettings load(String... overrides) {
    return HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(overrides)).dataset("web_events");
  }

  private static void assertBad(String key, String value, String... overrides) {
    BadConfigException e = assertThrows(BadConfigException.class, () -> load(overrides));
    String m = e.getMessage();
    assertTrue(m.startsWith(key + " = '" + value + "': "), "message should name " + key + " = '" + value + "': " + m);
    assertFalse(m.contains("\n") || m.contains("\r") || m.contains("\t"), "message should be one printable line: " + m);
  }

  @Test
  void defaultsAreJsonLinesAndRfc4180WithAHeader() {
    DatasetSettings d = load();
    assertEquals(InputFormat.JSON_LINES, d.inputFormat());
    assertFalse(d.inputFormat().delimited());
    assertEquals(new CsvOptions(true, ',', '"', '"'), d.csv());
    assertEquals(CsvOptions.DEFAULT, d.csv());
  }

  @Test
  void csvOptionsAreRead() {
    DatasetSettings d = load("datasets.web_events.input.format=csv", "datasets.web_events.input.csv.header=false",
        "datasets.web_events.input.csv.delimiter=;", "datasets.web_events.input.csv.quote='",
        "datasets.web_events.input.csv.escape=\\");
    assertEquals(InputFormat.CSV, d.inputFormat());
    assertTrue(d.inputFormat().delimited());
    assertEquals(new CsvOptions(false, ';', '\'', '\\'), d.csv());
  }

  @Test
  void tsvSplitsOnTab() {
    assertEquals('\t', load("datasets.web_events.input.format=tsv").csv().delimiter());
    assertEquals('\t', load("datasets.web_events.input.format=TSV", "datasets.web_events.input.csv.delimiter=\\t").csv().delimiter());
    assertEquals('\t', load("datasets.web_events.input.format=csv", "datasets.web_events.input.csv.delimiter=\\t").csv().delimiter(),
        "\\t spelled out is TAB: a --set value is trimmed, a real TAB would be lost");
    assertBad(CSV + "delimiter", ";", "datasets.web_events.input.format=tsv", "datasets.web_events.input.csv.delimiter=;");
    // The shipped default "," is csv's, and tsv ignores it; a "," the user sets for tsv would be ignored silently.
    assertBad(CSV + "delimiter", ",", "datasets.web_events.input.format=tsv", "datasets.web_events.input.csv.delimiter=,");
  }

  @Test
  void unknownFormatIsBadNamingTheChoices() {
    BadConfigException e = assertThrows(BadConfigException.class, () -> load("datasets.web_events.input.format=parquet"));
    assertEquals("hourglass.datasets.web_events.input.format = 'parquet': must be one of json-lines | csv | tsv", e.getMessage());
    assertEquals(InputFormat.JSON_LINES, load("datasets.web_events.input.format=json_lines").inputFormat());
  }

  @Test
  void specialCharactersMustBeSingleAsciiCharacters() {
    assertBad(CSV + "delimiter", "||", "datasets.web_events.input.csv.delimiter=||");
    assertBad(CSV + "delimiter", "", "datasets.web_events.input.csv.delimiter=\t");
    assertBad(CSV + "quote", "\u00ab", "datasets.web_events.input.csv.quote=\u00ab");
    assertBad(CSV + "quote", ",", "datasets.web_events.input.csv.quote=,");
    assertBad(CSV + "escape", ";", "datasets.web_events.input.csv.delimiter=;", "datasets.web_events.input.csv.escape=;");
    assertBad(CSV + "quote", "\\t", "datasets.web_events.input.format=tsv", "datasets.web_events.input.csv.quote=\\t");
    assertBad(CSV + "header", "maybe", "datasets.web_events.input.csv.header=maybe");
  }

  @Test
  void aConfFileCanSpellControlCharactersAndTheyAreNamedPrintably(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws java.io.IOException {
    java.nio.file.Path conf = tmp.resolve("csv.conf");
    java.nio.file.Files.writeString(conf, "hourglass.datasets.web_events.input { format = csv, csv { delimiter = \"\\t\", escape = \"\\n\" } }");
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> HourglassConfig.load(Optional.of("web_events"), Optional.of(conf), List.of()).dataset("web_events"));
    assertEquals(CSV + "escape = '\\n': must be an ASCII character other than CR and LF", e.getMessage());
  }

  @Test
  void badOptionsAreFoundEvenWhenTheFormatIsJsonLines() {
    assertBad(CSV + "delimiter", "ab", "datasets.web_events.input.csv.delimiter=ab");
  }

  @Test
  void theRecordRefusesWhatTheConfigWouldRefuse() {
    assertThrows(IllegalArgumentException.class, () -> new CsvOptions(true, ',', ',', '"'));
    assertThrows(IllegalArgumentException.class, () -> new CsvOptions(true, ',', '"', ','));
    assertThrows(IllegalArgumentException.class, () -> new CsvOptions(true, '\n', '"', '"'));
    assertThrows(IllegalArgumentException.class, () -> new CsvOptions(true, '\u00a7', '"', '"'));
  }
}
