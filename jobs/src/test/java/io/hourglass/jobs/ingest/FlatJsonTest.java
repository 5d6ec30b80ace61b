package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.jobs.ingest.WebEventsTransforms.JsonObjects;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatJson} gives exactly what {@link JsonObjects#parseObject} gives, or declines: checked on hand-written
 * texts both ways and on random event lines, before and after random damage.
 */
class FlatJsonTest {
  private static final String EVENT = "{\"event_id\":\"evt-1\",\"event_time\":1795171134840,\"site_id\":20,"
      + "\"referrer\":null,\"props\":{\"ab\":\"A\",\"price\":\"112.79\"}}";

  @Test
  void aTypicalEventIsScannedToTheSameFieldsAsJackson() {
    JsonObjects.Parsed p = handled(EVENT);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("event_id", "evt-1");
    expected.put("event_time", "1795171134840");
    expected.put("site_id", "20");
    expected.put("referrer", null);
    expected.put("props", "{\"ab\":\"A\",\"price\":\"112.79\"}");
    assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(p.fields().entrySet()));
    assertEquals(List.of("props"), p.nested());
    assertNull(p.error());
  }

  @Test
  void plainObjectsOfEveryShapeAreScanned() {
    assertEquals(Map.of(), handled("{}").fields());
    assertEquals(List.of(), handled("{}").nested());
    handled(" \t\r\n{ \t\r\n} \t\r\n");
    handled(" { \"a\" : \"x\" , \"b\"\t:\n-1.5E+10\r, \"c\" :true,\"d\": false ,\"e\":null } \n");
    handled("{\"a\":\"\",\"\":\"empty name\"}");
    handled("{\"text\":\"héllo 日本語 \uD83D\uDE00 \u2028 \u00A0 \uFEFF \u007F / ' #\",\"日本\":\"\u00E9\"}");
    handled("{\"a\":[],\"b\":[1,-0,0.5,1e5,2E-3,\"s\",true,false,null,[[]],{}],\"c\":{\"d\":[{\"e\":{}}]}}");
    handled("{\"a\": [ 1 , { \"k\" : [ ] } ] , \"b\" : { } }");
    handled("{\"a\":[{\"k\":1},{\"k\":2}]}"); // the same name in two objects is no duplicate
    handled("{\"a\":{\"k\":1,\"kk\":2,\"K\":3,\"j\":{\"k\":4}}}");
    handled("{\"n\":-0.0e-0,\"m\":123456789012345678901234567890.123456789012345678901234567890}");
    handled("{\"deep\":" + "[".repeat(FlatJson.MAX_DEPTH - 1) + "]".repeat(FlatJson.MAX_DEPTH - 1) + "}");
    StringBuilder many = new StringBuilder("{\"p\":{");
    for (int i = 0; i < FlatJson.MAX_NESTED_NAMES; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    handled(many.append("}}").toString());
  }

  @Test
  void anythingElseIsLeftToJackson() {
    List<String> texts = List.of(
        "",
        "   ",
        "{\"a\":\"x\\ny\"}",
        "{\"a\":\"\\u0041\"}",
        "{\"a\\u0041\":1}",
        "{\"a\":{\"b\":\"\\\"\"}}",
        "{\"a\":\"x\ty\"}",
        "{\"a\":\"x\u0000y\"}",
        "{\"a\u001f\":1}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":null,\"a\":null}",
        "{\"p\":{\"a\":1,\"a\":2}}",
        "{\"p\":[{\"a\":1,\"b\":{\"c\":1,\"c\":1}}]}",
        "{\"a\":1}x",
        "{\"a\":1} x",
        "{\"a\":1}{}",
        "{\"a\":1}\u0000",
        "{\"a\":1}\f",
        "{\"a\":01}",
        "{\"a\":-01}",
        "{\"a\":1.}",
        "{\"a\":1.e5}",
        "{\"a\":-}",
        "{\"a\":+1}",
        "{\"a\":.5}",
        "{\"a\":1e}",
        "{\"a\":1e+}",
        "{\"a\":1x}",
        "{\"a\":nul}",
        "{\"a\":nullx}",
        "{\"a\":tru}",
        "{\"a\":True}",
        "{\"a\":falsey}",
        "{\"a\":[nul]}",
        "[1]",
        "[{\"a\":1}]",
        "\"a\"",
        "1",
        "{",
        "{\"a\":1",
        "{\"a\":{\"b\":1}",
        "{\"a\":[1,2}",
        "{\"a\":[1,2}]}",
        "{\"a\":\"x}",
        "{\"a",
        "{\"a\":1,}",
        "{\"a\":[1,]}",
        "{\"a\":[,1]}",
        "{,\"a\":1}",
        "{\"a\":1,,\"b\":2}",
        "{\"a\" 1}",
        "{\"a\"::1}",
        "{\"a\":}",
        "{\"a\":1 \"b\":2}",
        "{'a':1}",
        "{\"a\":'x'}",
        "{a:1}",
        "{\"a\":NaN}",
        "{\"a\":-Infinity}",
        "{\"a\":1 /* c */}",
        "{\"a\":1 // c\n}",
        "# c\n{\"a\":1}",
        "\uFEFF{\"a\":1}",
        "\u00A0{\"a\":1}",
        "{\"a\":1}\u00A0",
        "{\"deep\":" + "[".repeat(FlatJson.MAX_DEPTH) + "]".repeat(FlatJson.MAX_DEPTH) + "}",
        "{\"deep\":" + "{\"k\":".repeat(2000) + "1" + "}".repeat(2000) + "}");
    for (String text : texts) {
      assertNull(parse(text), text);
    }
    assertNull(parse(null));
    StringBuilder many = new StringBuilder("{\"p\":{");
    for (int i = 0; i <= FlatJson.MAX_NESTED_NAMES; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    assertNull(parse(many.append("}}").toString()));
  }

  /**
   * The decoder's scan puts each known name's value in its slot and keeps the others in order: the same
   * fields as Jackson's map, checked on random events (names known and unknown, in any order) and on
   * Jackson's own answer taken into the same form ({@code fill}), which is what the decoder does when the scan
   * refuses.
   */
  @Test
  void knownNamesGoToTheirSlotsAndTheOthersKeepTheirOrder() {
    FlatJson.Names names = new FlatJson.Names(List.of("event_id", "event_type", "event_time", "site_id", "url",
        "ip", "email", "props", "日本", ""));
    FlatJson.Fields scanned = new FlatJson.Fields(names);
    FlatJson.Fields filled = new FlatJson.Fields(names);
    Random random = new Random(11);
    int withOthers = 0;
    for (int i = 0; i < 5_000; i++) {
      String text = event(random);
      assertTrue(FlatJson.scan(text, scanned), text);
      JsonObjects.Parsed jackson = JsonObjects.parseObject(text);
      assertSameFields(jackson, scanned, text);
      filled.fill(jackson);
      assertSameFields(jackson, filled, text);
      withOthers += scanned.others() > 0 ? 1 : 0;
    }
    assertTrue(withOthers > 1_000, "events with unknown names: " + withOthers);

    // A name known or not, given twice, is Jackson's error to report; so is a flood of unknown names.
    assertFalse(FlatJson.scan("{\"event_id\":\"a\",\"x\":1,\"event_id\":\"b\"}", scanned));
    assertFalse(FlatJson.scan("{\"x\":1,\"event_id\":\"a\",\"x\":null}", scanned));
    StringBuilder flood = new StringBuilder("{");
    for (int i = 0; i <= FlatJson.MAX_NESTED_NAMES; i++) {
      flood.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    assertFalse(FlatJson.scan(flood.append('}').toString(), scanned));
    JsonObjects.Parsed flooded = JsonObjects.parseObject(flood.toString());
    assertNull(flooded.error());
    filled.fill(flooded); // ... and Jackson's answer is taken whole, however many names
    assertSameFields(flooded, filled, flood.toString());
    assertEquals(FlatJson.MAX_NESTED_NAMES + 1, filled.others());
    // What a refused scan left behind is not read: the next record starts clean.
    assertTrue(FlatJson.scan("{\"url\":\"u\"}", scanned));
    assertNull(scanned.get(names.slot("event_id")));
    assertEquals("u", scanned.get(names.slot("url")));
    assertEquals(0, scanned.others());
  }

  /** Unknown names are kept made from record to record by their hash; two names of one hash keep their own. */
  @Test
  void unknownNamesOfOneHashKeepTheirOwnStrings() {
    assertEquals("Aa".hashCode(), "BB".hashCode());
    FlatJson.Fields fields = new FlatJson.Fields(FlatJson.Names.NONE);
    for (String text : List.of("{\"Aa\":\"1\",\"BB\":\"2\"}", "{\"BB\":\"x\",\"Aa\":null,\"Aa\":\"dup\"}",
        "{\"BB\":\"é\",\"Aa\":[1]}", "{\"Aa\":\"1\",\"Aa\":\"1\"}")) {
      JsonObjects.Parsed jackson = JsonObjects.parseObject(text);
      assertEquals(jackson.error() == null, FlatJson.scan(text, fields), text);
      if (jackson.error() == null) {
        assertSameFields(jackson, fields, text);
      }
    }
  }

  private static void assertSameFields(JsonObjects.Parsed jackson, FlatJson.Fields fields, String text) {
    Map<String, String> known = new LinkedHashMap<>();
    List<String> otherNames = new ArrayList<>();
    List<String> otherValues = new ArrayList<>();
    for (Map.Entry<String, String> e : jackson.fields().entrySet()) {
      int slot = fields.names.slot(e.getKey());
      if (slot >= 0) {
        known.put(e.getKey(), e.getValue());
        assertEquals(jackson.nested().contains(e.getKey()), fields.nested(slot), text);
      } else {
        otherNames.add(e.getKey());
        otherValues.add(e.getValue());
      }
    }
    for (int slot = 0; slot < fields.names.size(); slot++) {
      String expected = known.get(fields.names.name(slot));
      // Spark's string first, while a scanned string value is still a range of the text (ASCII or not).
      assertEquals(expected == null ? null : UTF8String.fromString(expected), fields.utf8(slot), text);
      assertEquals(expected == null ? -1 : expected.length(), fields.length(slot), text);
      if (expected != null && !expected.isEmpty()) {
        assertEquals(expected.charAt(0), fields.first(slot), text);
      }
      assertEquals(expected, fields.get(slot), text);
      assertEquals(expected == null ? null : UTF8String.fromString(expected), fields.utf8(slot), text);
    }
    assertEquals(otherNames.size(), fields.others(), text);
    for (int k = 0; k < fields.others(); k++) {
      String value = otherValues.get(k);
      assertEquals(value == null ? null : UTF8String.fromString(value), fields.otherUtf8(k), text);
      assertEquals(UTF8String.fromString(otherNames.get(k)), fields.otherNameUtf8(k), text);
      assertEquals(otherNames.get(k), fields.otherName(k), text);
      assertEquals(value, fields.otherValue(k), text);
      assertEquals(jackson.nested().contains(otherNames.get(k)), fields.otherNested(k), text);
    }
  }

  /** The behaviour the scanner leans on, so a Jackson upgrade that changes it shows up here. */
  @Test
  void jacksonRefusesDuplicateNamesInNestedObjectsItSkips() {
    assertTrue(JsonObjects.parseObject("{\"p\":{\"a\":1,\"a\":2}}").error().startsWith("Duplicate field 'a'"));
    assertTrue(JsonObjects.parseObject("{\"p\":[{\"q\":{\"a\":1,\"a\":2}}]}").error().startsWith("Duplicate field 'a'"));
    assertNull(JsonObjects.parseObject("{\"p\":[{\"a\":1},{\"a\":2}]}").error());
  }

  @Test
  void randomEventsAreScannedAndDamagedOnesNeverDisagree() {
    Random random = new Random(42);
    int scanned = 0;
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      String valid = event(random);
      JsonObjects.Parsed p = parse(valid);
      assertNotNull(p, valid);
      assertJacksonGives(valid, p);
      String damaged = damage(random, valid);
      if (agrees(damaged) != null) {
        scanned++;
      } else if (JsonObjects.parseObject(damaged).error() != null) {
        refused++;
      }
    }
    // Both ways taken often, so the damage tests both the scanning and the refusing.
    assertTrue(scanned > 2_000, "damaged texts scanned: " + scanned);
    assertTrue(refused > 2_000, "damaged texts Jackson refused: " + refused);
  }

  /**
   * Null only where there is a reason: if Jackson takes a text with no escape (at the depths generated here),
   * the scanner takes it too, so it refuses no more than it must.
   */
  @Test
  void whatJacksonTakesWithoutAnEscapeIsScanned() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String damaged = damage(random, event(random));
      if (damaged.indexOf('\\') < 0 && JsonObjects.parseObject(damaged).error() == null) {
        assertNotNull(parse(damaged), damaged);
      }
    }
  }

  /** {@link FlatJson#scan} with no name known in advance, in {@link JsonObjects#parseObject}'s form; null where it declines. */
  private static JsonObjects.Parsed parse(String text) {
    FlatJson.Fields fields = new FlatJson.Fields(FlatJson.Names.NONE);
    if (!FlatJson.scan(text, fields)) {
      return null;
    }
    Map<String, String> map = new LinkedHashMap<>();
    List<String> nested = new ArrayList<>(0);
    for (int k = 0; k < fields.others(); k++) {
      map.put(fields.otherName(k), fields.otherValue(k));
      if (fields.otherNested(k)) {
        nested.add(fields.otherName(k));
      }
    }
    return new JsonObjects.Parsed(map, nested, null);
  }

  /** The scanner's answer for the text, after checking that it is null or Jackson's. */
  private static JsonObjects.Parsed agrees(String text) {
    JsonObjects.Parsed fast = parse(text);
    if (fast != null) {
      assertJacksonGives(text, fast);
    }
    return fast;
  }

  private static JsonObjects.Parsed handled(String text) {
    JsonObjects.Parsed fast = agrees(text);
    assertNotNull(fast, text);
    return fast;
  }

  private static void assertJacksonGives(String text, JsonObjects.Parsed fast) {
    JsonObjects.Parsed jackson = JsonObjects.parseObject(text);
    assertNull(jackson.error(), text);
    assertNull(fast.error(), text);
    assertEquals(new ArrayList<>(jackson.fields().entrySet()), new ArrayList<>(fast.fields().entrySet()), text);
    assertEquals(jackson.nested(), fast.nested(), text);
  }

  private static final List<String> NAMES = List.of("event_id", "event_type", "event_time", "site_id", "user_id",
      "session_id", "url", "referrer", "user_agent", "ip", "country", "device", "email", "props", "Event_ID", "日本",
      "", "a b", "x");
  private static final String[] TEXTS = {"", "a", "evt-1e88ee8455f6eef7", "https://www.shop15.example.com/p/4928?ref=x",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)", "héllo", "日本語", "\uD83D\uDE00", "\u2028\u00A0",
      "{\"not\":[\"nested\"]}", "null", "1e5", " ", "'", "/*", "\uFEFF"};
  private static final String[] NUMBERS = {"0", "-0", "20", "-7", "1795171134840", "112.79", "0.5", "-0.0", "1e5",
      "1E+5", "2.5e-3", "123456789012345678901234567890", "1e999"};
  private static final String DAMAGE = "{}[]\":,\\ 0123456789abcdefnlrstuxNI.eE+-\t\n\r'/#é日\uD83D\u0000\u0001\f\u00A0\uFEFF";

  private static String event(Random random) {
    List<String> names = new ArrayList<>(NAMES);
    Collections.shuffle(names, random);
    StringBuilder b = new StringBuilder();
    ws(random, b);
    b.append('{');
    int count = random.nextInt(16);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        b.append(',');
      }
      member(random, b, names.get(i), 1);
    }
    ws(random, b);
    b.append('}');
    ws(random, b);
    return b.toString();
  }

  private static void member(Random random, StringBuilder b, String name, int depth) {
    ws(random, b);
    b.append('"').append(name).append('"');
    ws(random, b);
    b.append(':');
    ws(random, b);
    value(random, b, depth);
    ws(random, b);
  }

  private static void value(Random random, StringBuilder b, int depth) {
    int kind = random.nextInt(depth < 4 ? 8 : 6);
    switch (kind) {
      case 0, 1 -> b.append('"').append(TEXTS[random.nextInt(TEXTS.length)].replace("\"", "'")).append('"');
      case 2 -> b.append(NUMBERS[random.nextInt(NUMBERS.length)]);
      case 3 -> b.append(random.nextBoolean() ? "true" : "false");
      case 4 -> b.append("null");
      case 5 -> b.append('"').append(random.nextInt(1000)).append('"');
      case 6 -> {
        b.append('{');
        List<String> names = new ArrayList<>(Arrays.asList("ab", "price", "a", "b", "k", "ab2", "日本"));
        Collections.shuffle(names, random);
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
          if (i > 0) {
            b.append(',');
          }
          member(random, b, names.get(i), depth + 1);
        }
        ws(random, b);
        b.append('}');
      }
      default -> {
        b.append('[');
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
          if (i > 0) {
            b.append(',');
          }
          ws(random, b);
          value(random, b, depth + 1);
          ws(random, b);
        }
        ws(random, b);
        b.append(']');
      }
    }
  }

  private static void ws(Random random, StringBuilder b) {
    if (random.nextInt(8) == 0) {
      b.append(" \t\n\r".charAt(random.nextInt(4)));
    }
  }

  /** One to three random edits: a char deleted, inserted or replaced, or a stretch of the text repeated. */
  private static String damage(Random random, String text) {
    StringBuilder b = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(b.length() + 1);
      char c = DAMAGE.charAt(random.nextInt(DAMAGE.length()));
      switch (random.nextInt(5)) {
        case 0 -> {
          if (at < b.length()) {
            b.deleteCharAt(at);
          }
        }
        case 1 -> b.insert(at, c);
        case 2 -> {
          if (at < b.length()) {
            b.setCharAt(at, c);
          }
        }
        case 3 -> {
          int to = Math.min(b.length(), at + random.nextInt(30));
          b.insert(to, b.substring(at, to)); // may repeat a name, or a whole member
        }
        default -> {
          // Truncated, as a cut-off line is.
          b.setLength(at);
        }
      }
    }
    return b.toString();
  }
}
