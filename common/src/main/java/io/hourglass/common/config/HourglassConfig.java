package io.hourglass.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Loads and validates settings once, at the edge. Precedence, highest first:
 * {@code --set key=value} &gt; {@code --conf FILE} &gt; {@code conf/datasets/<dataset>.conf} &gt;
 * {@code conf/application.conf} (both shipped in the jar from the project's {@code conf/} folder).
 * Every problem surfaces as a one-line {@link BadConfigException} naming the key and the value.
 */
public final class HourglassConfig {
  private static final java.util.regex.Pattern BARE_NUMBER = java.util.regex.Pattern.compile("\\s*[-+]?[0-9]+(\\.[0-9]+)?\\s*");
  private static final String UNIT_NEEDED = "give a unit, e.g. 6h, 90m, 30s (a bare number would be read as milliseconds)";

  private static final String ROOT = "hourglass";
  /** The shipped dataset whose keys every dataset's settings must be among. */
  private static final String TEMPLATE_DATASET = "web_events";
  private static final String TEMPLATE_DATASET_FILE = "conf/datasets/" + TEMPLATE_DATASET + ".conf";
  private final Config config;

  private HourglassConfig(Config config) {
    this.config = config;
  }

  /**
   * @param dataset dataset whose {@code conf/datasets/<dataset>.conf} is layered in, or empty
   * @param confFile a user's HOCON file, or empty
   * @param overrides {@code key=value} pairs; a key without the {@code hourglass.} prefix gets it
   */
  public static HourglassConfig load(Optional<String> dataset, Optional<Path> confFile, List<String> overrides) {
    Config layered = parseOverrides(overrides);
    Config shipped = parse(() -> ConfigFactory.parseResources("conf/application.conf"), "conf/application.conf");
    // Each parseResources looks through every jar on Spark's classpath (about 0.1 s): the template dataset file is
    // parsed once, and not again as the dataset's own layer when that is the one asked for.
    String datasetFile = dataset.map(d -> "conf/datasets/" + d + ".conf").orElse(null);
    Config templateFile = parse(() -> ConfigFactory.parseResources(TEMPLATE_DATASET_FILE), TEMPLATE_DATASET_FILE);
    Config datasetTemplate = templateFile.getConfig(ROOT + ".datasets." + TEMPLATE_DATASET);
    checkKnown(layered, "--set", shipped, datasetTemplate);
    if (dataset.isPresent() && layered.hasPath(ROOT + ".datasets")) {
      // A --set for another dataset than the run's changes nothing; it is almost always a misspelt name
      // (datasets.web_event.format=avro), which would leave the run's own dataset at its defaults.
      for (String other : layered.getConfig(ROOT + ".datasets").root().keySet()) {
        if (!other.equals(dataset.get())) {
          throw new BadConfigException("--set: " + ROOT + ".datasets." + other + " is not this run's dataset ("
              + dataset.get() + "), so it would change nothing; name the dataset as --dataset does");
        }
      }
    }
    if (confFile.isPresent()) {
      Path file = confFile.get();
      if (!Files.isRegularFile(file)) {
        throw new BadConfigException("--conf " + file + ": no such file");
      }
      Config user = parse(() -> ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)),
          "--conf " + file);
      checkOutsideRoot(user, "--conf " + file, shipped);
      checkKnown(user, "--conf " + file, shipped, datasetTemplate);
      checkNewDatasets(user, "--conf " + file, datasetTemplate, layered);
      layered = layered.withFallback(user);
    }
    if (datasetFile != null) {
      layered = layered.withFallback(datasetFile.equals(TEMPLATE_DATASET_FILE) ? templateFile
          : parse(() -> ConfigFactory.parseResources(datasetFile), datasetFile));
    }
    layered = layered.withFallback(shipped);
    try {
      return new HourglassConfig(layered.resolve());
    } catch (ConfigException e) {
      throw new BadConfigException(oneLine(e.getMessage()), e);
    }
  }

  /** The settings every job shares. */
  public Settings settings() {
    Map<String, String> sparkConf = new LinkedHashMap<>();
    Config extra = get("hourglass.spark.conf", config::getConfig);
    for (Map.Entry<String, ConfigValue> e : extra.entrySet()) {
      sparkConf.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    return new Settings(
        get("hourglass.raw-root", config::getString),
        get("hourglass.warehouse", config::getString),
        get("hourglass.state-dir", config::getString),
        new Settings.CatalogSettings(
            get("hourglass.catalog.enabled", config::getBoolean),
            get("hourglass.catalog.database", config::getString)),
        new SparkSettings(
            get("hourglass.spark.master", config::getString),
            get("hourglass.spark.shuffle-partitions", config::getInt),
            sparkConf));
  }

  /**
   * The ledger's location: an empty URL means the embedded database under the state folder.
   *
   * @param passwordEnv the environment variable holding the password
   */
  public record LedgerConfig(String url, String user, String passwordEnv, Duration lease) {}

  public LedgerConfig ledger() {
    Duration lease = durationOf("hourglass.ledger.lease");
    if (lease.toMillis() < 1000) {
      throw BadConfigException.of("hourglass.ledger.lease", lease, "must be at least 1s");
    }
    String url = get("hourglass.ledger.url", config::getString).trim();
    if (!url.isEmpty() && !url.startsWith("jdbc:")) {
      throw BadConfigException.of("hourglass.ledger.url", Secrets.redactUrl(url), "must be a JDBC URL (jdbc:postgresql://...) or empty for the embedded ledger");
    }
    return new LedgerConfig(url, get("hourglass.ledger.user", config::getString),
        get("hourglass.ledger.password-env", config::getString), lease);
  }

  /** The validated settings of one dataset; an unknown dataset is a bad setting. */
  public DatasetSettings dataset(String name) {
    String p = ROOT + ".datasets." + name;
    if (!config.hasPath(p)) {
      throw new BadConfigException("unknown dataset '" + name + "': no conf/datasets/" + name
          + ".conf in the jar and no " + p + " in --conf" + closestDataset(name));
    }
    String table = get(p + ".table", config::getString);
    if (get("hourglass.catalog.enabled", config::getBoolean) && !table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      // The folder's name is the catalog's table name, and Hive, Glue and Spark take no '-' or '.' in one: accepted,
      // every run failed after publishing its hour, as it registered it.
      throw BadConfigException.of(p + ".table", table, "must be a table name (letters, digits, '_'; not a digit first)"
          + " while hourglass.catalog.enabled = true: it is the table's name in the catalog");
    }
    return new DatasetSettings(
        name,
        get(p + ".stream", config::getString),
        get(p + ".table", config::getString),
        enumOf(p + ".format", TableFormat.class),
        get(p + ".schema.raw", config::getString),
        get(p + ".schema.table", config::getString),
        enumOf(p + ".input.on-corrupt-file", CorruptFilePolicy.class),
        durationOf(p + ".window.late"),
        durationOf(p + ".window.future"),
        enumOf(p + ".pii.email", PiiMode.class),
        get(p + ".pii.hmac-key-env", config::getString),
        get(p + ".max-reject-rate", config::getDouble),
        durationOf(p + ".sla"),
        durationOf(p + ".settle"),
        enumOf(p + ".input.parser", InputParser.class),
        enumOf(p + ".input.format", InputFormat.class),
        csvOptions(p + ".input."),
        enumOf(p + ".writer", TableWriter.class));
  }

  /** {@code input.csv}, read and validated whatever the format, so that a bad value is found before it is needed. */
  private CsvOptions csvOptions(String input) {
    return CsvOptions.of(input, enumOf(input + "format", InputFormat.class), get(input + "csv.header", config::getBoolean),
        get(input + "csv.delimiter", config::getString), givenByUser(input + "csv.delimiter"),
        get(input + "csv.quote", config::getString), get(input + "csv.escape", config::getString));
  }

  /** Whether {@code key}'s value comes from the user ({@code --conf}, {@code --set}) rather than a file the jar ships. */
  private boolean givenByUser(String key) {
    if (!config.hasPath(key)) {
      return false;
    }
    String resource = config.getValue(key).origin().resource();
    return resource == null || !resource.startsWith("conf/");
  }

  /** The resolved configuration, for settings a job reads itself. */
  public Config raw() {
    return config;
  }

  /** A whole number a job reads itself (e.g. {@code hourglass.sizer.history}); missing or not a number is a bad setting. */
  public int intSetting(String key) {
    return get(key, config::getInt);
  }

  /** A duration a job reads itself; missing or not a duration is a bad setting. */
  public Duration durationSetting(String key) {
    return durationOf(key);
  }

  /** A string a job reads itself; missing is a bad setting. */
  public String stringSetting(String key) {
    return get(key, config::getString);
  }

  private <T> T get(String key, Function<String, T> getter) {
    try {
      return getter.apply(key);
    } catch (ConfigException.Missing e) {
      throw new BadConfigException(key + " is not set");
    } catch (ConfigException e) {
      Object value = config.hasPathOrNull(key) && !config.getIsNull(key) ? config.getValue(key).unwrapped() : null;
      throw BadConfigException.of(key, value, oneLine(e.getMessage()));
    }
  }

  /**
   * A duration setting. A bare number is refused: HOCON reads it as milliseconds, so {@code window.late = 6} meant as
   * six hours would silently be a 6 ms window.
   */
  private Duration durationOf(String key) {
    if (config.hasPath(key)) {
      Object value = config.getValue(key).unwrapped();
      if ((value instanceof Number n && n.doubleValue() != 0)
          || (value instanceof String text && BARE_NUMBER.matcher(text).matches() && Double.parseDouble(text.trim()) != 0)) {
        throw BadConfigException.of(key, String.valueOf(value), UNIT_NEEDED);
      }
    }
    return get(key, config::getDuration);
  }

  private <E extends Enum<E>> E enumOf(String key, Class<E> type) {
    String value = get(key, config::getString);
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E constant : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : " | ").append(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      throw BadConfigException.of(key, value, "must be one of " + allowed);
    }
  }

  /**
   * A setting the code never reads is a typo until shown otherwise: {@code --set warehose=s3a://...} would
   * otherwise run against the default warehouse. Every key under {@code hourglass} must be one that
   * {@code conf/application.conf} has, or, under {@code datasets.<any name>}, one that the shipped dataset file
   * has; {@code spark.conf} is free-form (Spark's own keys). Keys outside {@code hourglass} in a {@code --conf}
   * file are left alone (HOCON substitutions may keep helpers there).
   */
  private static void checkKnown(Config user, String origin, Config shipped, Config datasetTemplate) {
    if (!user.hasPath(ROOT)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> e : user.getConfig(ROOT).entrySet()) {
      List<String> path = ConfigUtil.splitPath(e.getKey());
      if (path.size() >= 2 && path.get(0).equals("spark") && path.get(1).equals("conf")) {
        continue;
      }
      Config against;
      String rest;
      if (path.size() >= 3 && path.get(0).equals("datasets")) {
        rest = ConfigUtil.joinPath(path.subList(2, path.size()));
        against = datasetTemplate;
      } else {
        rest = e.getKey();
        against = shipped.getConfig(ROOT);
      }
      if (!against.hasPathOrNull(rest)) {
        String key = ROOT + "." + e.getKey();
        String prefix = against == datasetTemplate ? ROOT + ".datasets." + ConfigUtil.joinPath(path.get(1)) + "." : ROOT + ".";
        throw new BadConfigException(origin + ": " + key + " is not a setting" + didYouMean(rest, against, prefix)
            + " (the settings and their defaults: README, Configuration)");
      }
    }
  }

  /**
   * A {@code --conf} file's keys outside {@code hourglass} are not read. One that names a setting ({@code warehouse
   * = ...}, as {@code --set} takes it without the prefix) is a setting left out of the block, and a file that sets
   * nothing under {@code hourglass} changes nothing: both are refused rather than run against the defaults.
   */
  private static void checkOutsideRoot(Config user, String origin, Config shipped) {
    Config known = shipped.getConfig(ROOT);
    for (String top : user.root().keySet()) {
      if (!top.equals(ROOT) && (top.equals("datasets") || known.hasPathOrNull(ConfigUtil.joinPath(top)))) {
        throw new BadConfigException(origin + ": '" + top + "' is outside the hourglass block and would not be read;"
            + " write it as hourglass." + top + " (or inside hourglass { ... })");
      }
    }
    if (!user.hasPath(ROOT)) {
      throw new BadConfigException(origin + ": sets nothing under hourglass, so it would change nothing; settings go"
          + " under hourglass { ... } (e.g. hourglass.warehouse = \"s3a://...\")");
    }
  }

  /**
   * A dataset a {@code --conf} file names that the jar does not ship is a new dataset, with no defaults under it: it
   * must set every setting, or no run of it could start. One that sets only some is almost always a misspelt name
   * ({@code datasets.web_event { pii.email = drop }}), which would leave the dataset meant at its defaults while the
   * file looks applied: refused as the file is read, naming what is missing and the shipped dataset likely meant.
   */
  private static void checkNewDatasets(Config user, String origin, Config datasetTemplate, Config sets) {
    ConfigObject datasets;
    try {
      if (!user.hasPath(ROOT + ".datasets") || !(user.getValue(ROOT + ".datasets") instanceof ConfigObject o)) {
        return;
      }
      datasets = o;
      datasets.keySet(); // an object merged with a substitution cannot list its keys until resolved
    } catch (ConfigException.NotResolved e) {
      return; // checked key by key when a dataset of it runs
    }
    // Top-level settings (stream, table, ...) first, as those are what a reader of the message looks for.
    List<String> keys = datasetTemplate.entrySet().stream().map(Map.Entry::getKey)
        .sorted(Comparator.comparingInt((String k) -> ConfigUtil.splitPath(k).size()).thenComparing(k -> k)).toList();
    for (Map.Entry<String, ConfigValue> d : datasets.entrySet()) {
      String name = d.getKey();
      if (!(d.getValue() instanceof ConfigObject block) || shippedDataset(name)) {
        continue;
      }
      String setPrefix = ConfigUtil.joinPath(ROOT, "datasets", name) + ".";
      List<String> missing = new ArrayList<>();
      for (String key : keys) {
        if (!present(block, ConfigUtil.splitPath(key)) && !sets.hasPathOrNull(setPrefix + key)) {
          missing.add(key);
        }
      }
      if (!missing.isEmpty()) {
        int settings = keys.size();
        String named = String.join(", ", missing.subList(0, Math.min(4, missing.size()))) + (missing.size() > 4 ? ", ..." : "");
        String meant = closest(name, List.of(TEMPLATE_DATASET))
            .map(shipped -> " (did you mean " + ROOT + ".datasets." + shipped + "?)").orElse("");
        throw new BadConfigException(origin + ": " + ROOT + ".datasets." + ConfigUtil.joinPath(name)
            + " is not a dataset the jar ships" + meant + "; as a new dataset it sets " + (settings - missing.size())
            + " of the " + settings + " settings and lacks " + missing.size() + " (" + named
            + "): a new dataset sets them all (README, Configuration)");
      }
    }
  }

  /**
   * Whether {@code path} is set under {@code block}, read before substitutions are resolved: where a substitution
   * stands on the way ({@code window = ${defaults.window}}) it may well give the key, so the key counts as set (its
   * value is checked, key by key, when the dataset runs).
   */
  private static boolean present(ConfigObject block, List<String> path) {
    ConfigValue v = block;
    for (String part : path) {
      if (!(v instanceof ConfigObject o)) {
        return unresolved(v);
      }
      try {
        v = o.get(part);
      } catch (ConfigException.NotResolved e) {
        return true; // an object merged with a substitution ({@code clicks = ${base} { ... }})
      }
      if (v == null) {
        return false;
      }
    }
    return true;
  }

  private static boolean unresolved(ConfigValue v) {
    try {
      v.valueType();
      return false;
    } catch (ConfigException.NotResolved e) {
      return true;
    }
  }

  /** Whether the jar ships {@code conf/datasets/<name>.conf} (looked up without parsing it). */
  private static boolean shippedDataset(String name) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader(); // where parseResources looks
    return (loader != null ? loader : HourglassConfig.class.getClassLoader()).getResource("conf/datasets/" + name + ".conf") != null;
  }

  /** "; did you mean X?" for the dataset the jar ships or --conf defines that is closest to a misspelt name, or "". */
  private String closestDataset(String name) {
    Set<String> known = new TreeSet<>(List.of(TEMPLATE_DATASET));
    if (config.hasPath(ROOT + ".datasets")) {
      known.addAll(config.getObject(ROOT + ".datasets").keySet());
    }
    return closest(name, known).map(k -> "; did you mean --dataset " + k + "?").orElse("");
  }

  /** The closest known key to a misspelt one, if it is close enough to be the one meant. */
  private static String didYouMean(String key, Config known, String prefix) {
    return closest(key, known.entrySet().stream().map(Map.Entry::getKey).sorted().toList())
        .map(best -> "; did you mean " + prefix + best + "?").orElse("");
  }

  /**
   * The candidate nearest to a misspelt {@code name} (the first in iteration order among equals) when it is within
   * max(2, a quarter of the name's length) edits, close enough to be the one meant.
   */
  private static Optional<String> closest(String name, Collection<String> candidates) {
    LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
    return candidates.stream()
        .min(Comparator.comparingInt((String c) -> distance.apply(name, c)))
        .filter(best -> distance.apply(name, best) <= Math.max(2, name.length() / 4));
  }

  private static Config parseOverrides(List<String> overrides) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new BadConfigException("--set '" + o + "': expected key=value");
      }
      String key = o.substring(0, eq).trim();
      String value = o.substring(eq + 1).trim();
      map.put(key.startsWith(ROOT + ".") ? key : ROOT + "." + key, value);
    }
    try {
      return ConfigFactory.parseMap(map, "--set");
    } catch (ConfigException e) {
      throw new BadConfigException("--set: " + oneLine(e.getMessage()), e);
    }
  }

  private static Config parse(java.util.function.Supplier<Config> parser, String origin) {
    try {
      return parser.get();
    } catch (ConfigException e) {
      throw new BadConfigException(origin + ": " + oneLine(e.getMessage()), e);
    }
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /** Parses a HOCON duration such as {@code 6h} or {@code 10m}, naming {@code key} when it is bad. */
  public static Duration duration(String key, String text) {
    if (text != null && BARE_NUMBER.matcher(text).matches() && Double.parseDouble(text.trim()) != 0) {
      throw BadConfigException.of(key, text, UNIT_NEEDED);
    }
    try {
      return ConfigFactory.parseMap(Map.of("d", text)).getDuration("d");
    } catch (ConfigException e) {
      throw BadConfigException.of(key, text, "not a duration (e.g. 60m, 1h)");
    }
  }
}
