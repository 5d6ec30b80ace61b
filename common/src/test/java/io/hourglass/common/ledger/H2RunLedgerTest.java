package io.hourglass.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger contract on the embedded default (an H2 file with AUTO_SERVER), plus what is special to it. */
class H2RunLedgerTest extends RunLedgerContract {
  @TempDir
  Path tmp;

  private int databases;

  @Override
  LedgerSettings freshSettings() {
    return LedgerSettings.embedded(tmp.resolve("state-" + (++databases)), LEASE);
  }

  @Override
  LedgerSettings unreachableSettings() throws IOException {
    return new LedgerSettings("jdbc:h2:tcp://127.0.0.1:" + freePort() + "/" + tmp.resolve("nowhere/ledger"), "sa",
        PASSWORD, LEASE);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theEmbeddedLedgerIsAnH2FileUnderTheStateFolderCreatedOnFirstUse() {
    Path state = tmp.resolve("a/b/state");
    LedgerSettings s = LedgerSettings.embedded(state, LEASE);
    assertEquals("jdbc:h2:file:" + state.toAbsolutePath() + "/ledger;AUTO_SERVER=TRUE;WRITE_DELAY=0", s.url());
    open(s).claim(KEY, "r1", T0);
    assertTrue(Files.isRegularFile(state.resolve("ledger.mv.db")), "database file in the state folder");
    assertEquals("127.0.0.1", System.getProperty("h2.bindAddress"));
  }

  @Test
  void aStateFolderThatCannotBeCreatedIsUnavailable() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
    LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class,
        () -> JdbcRunLedger.open(LedgerSettings.embedded(file.resolve("state"), LEASE)));
    assertOneLineWithoutPassword(e.getMessage());
    assertTrue(e.getMessage().contains("state folder"), e.getMessage());
  }

  /**
   * A driver that starts while another process opens or closes the same embedded ledger finds the lock
   * file written moments ago, and H2 refuses it outright ("Lock file recently modified") after about four
   * seconds. The ledger waits until the file has been still for H2's two seconds, as it does for a held lock.
   */
  @Test
  void aLockFileTouchedMomentsAgoIsWaitedOutNotFailed() throws Exception {
    LedgerSettings s = LedgerSettings.embedded(tmp.resolve("touched"), LEASE);
    try (JdbcRunLedger first = open(s)) {
      first.claim(KEY, "before", T0);
    }
    // Another process opening the same file (a `status` command, a driver starting) rewrites the lock.
    Path lockFile = tmp.resolve("touched/ledger.lock.db");
    Files.writeString(lockFile, "method=file\nid=another-process\n");
    long touchUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
    Thread toucher = new Thread(() -> {
      while (System.nanoTime() < touchUntil) {
        lockFile.toFile().setLastModified(System.currentTimeMillis());
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "lock-toucher");
    toucher.start();
    try (JdbcRunLedger second = open(s)) {
      assertTrue(System.nanoTime() >= touchUntil, "opened only once the lock file was left alone");
      assertEquals("before", second.latest("ingest", "web_events", H10).orElseThrow().runId());
    } finally {
      toucher.interrupt();
      toucher.join();
    }
  }

  /**
   * A driver killed while it had the embedded ledger open leaves H2's lock file behind. Processes that
   * then open the ledger at once (a resumed backfill, a `status` poll, the next hour's driver) each take the
   * abandoned lock over in H2's two-step protocol, overwrite each other's claim in lockstep, and could all
   * fail for as long as they kept trying (CI saw a resumed driver refused for 20 s). The ledger lets one
   * process at a time open the file, under an operating-system lock that dies with its holder.
   */
  @Test
  void processesOpeningALedgerWhoseOwnerDiedAllGetIn() throws Exception {
    Path state = tmp.resolve("abandoned");
    LedgerSettings s = LedgerSettings.embedded(state, LEASE);
    try (JdbcRunLedger first = open(s)) {
      first.claim(KEY, "before", T0);
    }
    // A process that dies with the ledger open leaves a lock file no watchdog touches any more.
    Process dies = opener(state, "die", tmp.resolve("dies.log"));
    assertTrue(dies.waitFor(2, TimeUnit.MINUTES), "the process that dies");
    assertEquals(LedgerOpenerProcess.DIED, dies.exitValue(), read(tmp.resolve("dies.log")));
    assertTrue(Files.exists(state.resolve("ledger.lock.db")), "the dead process's lock file is left behind");

    int processes = 4;
    int opens = 8;
    List<Process> openers = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      Path log = tmp.resolve("opener-" + p + ".log");
      logs.add(log);
      openers.add(opener(state, Integer.toString(opens), log));
    }
    for (int p = 0; p < processes; p++) {
      Process opener = openers.get(p);
      if (!opener.waitFor(3, TimeUnit.MINUTES)) {
        opener.destroyForcibly();
      }
      String log = read(logs.get(p));
      assertEquals(0, opener.exitValue(), "opener " + p + ": " + log);
      for (int i = 1; i <= opens; i++) {
        assertTrue(log.contains("OPENED " + i + " before\n"), "opener " + p + ", open " + i + ": " + log);
      }
    }
    try (JdbcRunLedger after = open(s)) {
      assertEquals("before", after.latest("ingest", "web_events", H10).orElseThrow().runId());
    }
  }

  /** What a CI run met in Flyway's first query as the serving process closed the file: retried, as the server gone. */
  @Test
  void aStatementWhoseStoreClosedUnderItIsTakenForTheServerGone() {
    assertTrue(JdbcRunLedger.closedUnderTheCall(
        new org.h2.mvstore.MVStoreException(org.h2.mvstore.DataUtils.ERROR_CLOSED, "Transaction 1 is closed [2.2.220/4]")));
    assertFalse(JdbcRunLedger.closedUnderTheCall(
        new org.h2.mvstore.MVStoreException(org.h2.mvstore.DataUtils.ERROR_FILE_CORRUPT, "File corrupted in chunk 7")));
    assertFalse(JdbcRunLedger.closedUnderTheCall(new java.sql.SQLException("General error", "HY000", 50000)));
  }

  /**
   * This JVM reaches the file through a child's auto-server; the child finishes and closes it. The next call
   * still works, and this JVM then holds the file open itself (its lock file stays while the ledger is open)
   * rather than opening and compacting it on every call.
   */
  @Test
  void whenTheServingProcessEndsTheNextCallWorksAndThisProcessKeepsTheFileOpen() throws Exception {
    Served served = served("served-then-left");
    Path state = served.state();
    Process child = served.child();
    JdbcRunLedger here;
    try (Writer toChild = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
      assertEquals("CLAIMED 1", served.next());
      here = open(served.settings());
      toChild.write("release\n");
      toChild.flush();
      assertEquals("RELEASED", served.next());
    } // the child's input ends: it closes its ledger and exits
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits once its input ends");
    assertEquals(0, child.exitValue(), () -> "child failed: " + read(served.log()));

    assertEquals("succeeded", here.latest("ingest", "web_events", H10).orElseThrow().status());
    assertTrue(Files.exists(state.resolve("ledger.lock.db")), "this process holds the file open between calls");
    RunClaim mine = here.claim(KEY, "parent-run", T0.plusSeconds(120));
    assertEquals(2, mine.attempt());
    here.close();
    assertFalse(Files.exists(state.resolve("ledger.lock.db")), "closing the ledger closes the file");
  }

  private static Process opener(Path state, String opens, Path log) throws IOException {
    return java(LedgerOpenerProcess.class, state.toString(), H10.toString(), opens)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** A child serving the ledger under {@code tmp/<name>}, and the lines it prints. */
  private record Served(Path state, LedgerSettings settings, Path log, Process child, BlockingQueue<String> lines) {
    String next() throws Exception {
      return H2RunLedgerTest.next(lines, child, log);
    }
  }

  private Served served(String name) throws IOException {
    Path state = tmp.resolve(name);
    Path log = tmp.resolve(name + ".log");
    Process child = childServing(state, log);
    return new Served(state, LedgerSettings.embedded(state, LEASE), log, child, lines(child.getInputStream()));
  }

  /** A {@link LedgerChildProcess} that opens the ledger first, so serves it, and claims KEY as child-run. */
  private static Process childServing(Path state, Path log) throws IOException {
    return java(LedgerChildProcess.class, state.toString(), "child-run", H10.toString(), T0.toString())
        .redirectError(log.toFile())
        .start();
  }

  private static ProcessBuilder java(Class<?> main, String... args) {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /**
   * Two processes on one machine share the file: the child opens it first and so serves it (AUTO_SERVER,
   * on loopback); this JVM then reaches it through that server and sees the child's lock.
   */
  @Test
  void anotherProcessSharesTheEmbeddedLedgerThroughItsAutoServer() throws Exception {
    Served served = served("shared-state");
    Path state = served.state();
    Process child = served.child();
    try (Writer toChild = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
      assertEquals("CLAIMED 1", served.next());

      // The child serves the database (H2 writes 127.0.0.1 as "localhost"), bound to loopback only.
      Properties lock = new Properties();
      try (InputStream in = Files.newInputStream(state.resolve("ledger.lock.db"))) {
        lock.load(in);
      }
      String server = lock.getProperty("server");
      assertNotNull(server, () -> "no auto-server in the lock file: " + lock);
      assertTrue(server.startsWith("localhost:"), () -> "auto-server must announce loopback: " + server);
      int port = Integer.parseInt(server.substring(server.indexOf(':') + 1));
      assertTrue(accepts(InetAddress.getLoopbackAddress(), port), "auto-server reachable on loopback");
      for (InetAddress other : nonLoopbackAddresses()) {
        assertFalse(accepts(other, port), () -> "auto-server must not listen on " + other);
      }

      JdbcRunLedger here = open(served.settings());
      AlreadyRunningException refused = assertThrows(AlreadyRunningException.class,
          () -> here.claim(KEY, "parent-run", T0.plusSeconds(5)));
      assertEquals("child-run", refused.holderRunId());

      toChild.write("release\n");
      toChild.flush();
      assertEquals("RELEASED", served.next());
      RunClaim mine = here.claim(KEY, "parent-run", T0.plusSeconds(120));
      assertEquals(2, mine.attempt());
      assertEquals("succeeded", here.history("ingest", "web_events", H10, H10.plusSeconds(3600)).get(0).status());
    } finally {
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    assertEquals(0, child.exitValue(), () -> "child failed: " + read(served.log()));
  }

  private static boolean accepts(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
    List<InetAddress> out = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (!a.isLinkLocalAddress()) {
            out.add(a);
          }
        }
      }
    }
    return out;
  }

  private static BlockingQueue<String> lines(InputStream in) {
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          queue.add(line);
        }
      } catch (IOException ignored) {
        // the child ended
      }
    }, "ledger-child-stdout");
    reader.setDaemon(true);
    reader.start();
    return queue;
  }

  private static String next(BlockingQueue<String> lines, Process child, Path log) throws Exception {
    String line = lines.poll(60, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("no answer from the child process (alive: " + child.isAlive() + "): " + read(log));
    }
    return line;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
