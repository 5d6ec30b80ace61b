package io.hourglass.common.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static final String VAR = "HG_TEST_HMAC_KEY";

  private static DatasetSettings dataset(PiiMode email) {
    return HourglassConfig.load(Optional.of("web_events"), Optional.empty(), List.of(
        "datasets.web_events.pii.email=" + email.name().toLowerCase(Locale.ROOT),
        "datasets.web_events.pii.hmac-key-env=" + VAR)).dataset("web_events");
  }

  @Test
  void droppingEmailNeedsNoKey() {
    assertEquals(Optional.empty(), Secrets.hmacKey(dataset(PiiMode.DROP), Map.of()));
    assertEquals(Optional.empty(), Secrets.hmacKey(dataset(PiiMode.DROP), Map.of(VAR, "short")));
  }

  @Test
  void hashingReturnsTheVariablesUtf8Bytes() {
    String key = "s3cr3t-key-0123456789";
    Optional<byte[]> got = Secrets.hmacKey(dataset(PiiMode.HASH), Map.of(VAR, key, "OTHER", "x"));
    assertTrue(got.isPresent());
    assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), got.get());
  }

  @Test
  void sixteenBytesIsEnoughEvenWhenFewerCharacters() {
    String key = "ééééééééé"; // 9 characters, 18 UTF-8 bytes
    assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), Secrets.hmacKey(dataset(PiiMode.HASH), Map.of(VAR, key)).get());
    String exactly16 = "0123456789abcdef";
    assertEquals(16, Secrets.hmacKey(dataset(PiiMode.HASH), Map.of(VAR, exactly16)).get().length);
  }

  @Test
  void missingVariableIsBadNamingItAndTheWayOut() {
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> Secrets.hmacKey(dataset(PiiMode.HASH), Map.of("SOMETHING_ELSE", "0123456789abcdefXYZ")));
    assertTrue(e.getMessage().contains(VAR), e.getMessage());
    assertTrue(e.getMessage().contains("pii.email = drop"), e.getMessage());
    assertFalse(e.getMessage().contains("0123456789abcdefXYZ"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void emptyVariableCountsAsMissing() {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Secrets.hmacKey(dataset(PiiMode.HASH), Map.of(VAR, "")));
    assertTrue(e.getMessage().contains(VAR), e.getMessage());
  }

  @Test
  void tooShortKeyIsBadNamingTheVariableButNotTheKey() {
    String shortKey = "tiny-secret-15b"; // 15 bytes
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> Secrets.hmacKey(dataset(PiiMode.HASH), Map.of(VAR, shortKey)));
    assertTrue(e.getMessage().contains(VAR), e.getMessage());
    assertTrue(e.getMessage().contains("15 bytes"), e.getMessage());
    assertFalse(e.getMessage().contains(shortKey), e.getMessage());
    assertFalse(e.getMessage().contains("tiny"), e.getMessage());
  }
}
