package io.hourglass.jobs.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} arguments of the benchmark's small mains; an unknown name fails at once. */
final class BenchArgs {
  private BenchArgs() {}

  /**
   * @param known the accepted names; a name followed by another {@code --name} or by nothing is a flag
   */
  static Map<String, String> parse(String[] args, String... known) {
    Set<String> names = Set.of(known);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!names.contains(name)) {
        throw new IllegalArgumentException("Unknown argument '" + name + "'; expected one of " + String.join(", ", known));
      }
      boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
      out.put(name, flag ? "" : args[++i]);
    }
    return out;
  }

  static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }
}
