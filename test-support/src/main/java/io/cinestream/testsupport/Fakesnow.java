package io.cinestream.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The local Snowflake emulator (fakesnow 0.12 in server mode, docs/production.md) as a child
 * process of one test class: started from the venv {@code .local/venv/fakesnow} through {@code
 * spark-jobs/src/test/resources/load/fakesnow_launcher.py} on a free loopback port.
 */
public final class Fakesnow implements AutoCloseable {

  /** The repository root (Surefire sets {@code cinestream.root}). */
  public static final Path ROOT =
      Path.of(System.getProperty("cinestream.root", "..")).toAbsolutePath().normalize();

  private static final Path PYTHON = ROOT.resolve(".local/venv/fakesnow/bin/python");
  private static final Path LAUNCHER =
      ROOT.resolve("spark-jobs/src/test/resources/load/fakesnow_launcher.py");

  private final Process process;
  private final int port;

  private Fakesnow(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the emulator and waits (up to 60 s) until its port accepts connections.
   *
   * @param log file receiving the emulator's output (its folder is created)
   * @return the running emulator; close it in {@code @AfterAll}
   * @throws org.opentest4j.TestAbortedException (the test is skipped, saying why) when the venv is
   *     missing
   * @throws IllegalStateException when the process exits or does not listen within 60 s
   */
  public static Fakesnow start(Path log) throws IOException, InterruptedException {
    assumeTrue(
        Files.isExecutable(PYTHON),
        "fakesnow venv missing: python3 -m venv .local/venv/fakesnow && .local/venv/fakesnow/bin/pip"
            + " install -r requirements/fakesnow.txt");
    int port = Ports.freePort();
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process process =
        new ProcessBuilder(PYTHON.toString(), LAUNCHER.toString(), Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return new Fakesnow(process, port);
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("fakesnow did not start, see " + log, notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  /** The emulator's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Stops the emulator (SIGTERM, then SIGKILL after 10 s). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
