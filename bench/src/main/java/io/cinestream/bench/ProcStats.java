package io.cinestream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads CPU time and memory of processes from Linux's {@code /proc} (proc(5)).
 *
 * <p>CPU time is {@code utime + stime} (fields 14 and 15 of {@code /proc/<pid>/stat}) in clock
 * ticks of {@link #TICKS_PER_SECOND} ({@code USER_HZ}, 100 on every Linux ABI this runs on); memory
 * is {@code VmRSS} / {@code VmHWM} of {@code /proc/<pid>/status} in KiB.
 */
public final class ProcStats {

  /** {@code USER_HZ}: clock ticks per second of the {@code stat} CPU fields. */
  public static final int TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /**
   * {@code utime + stime} of a {@code /proc/<pid>/stat} line, in clock ticks.
   *
   * @param statLine the whole line; the command name (field 2) may contain spaces and parentheses,
   *     so the fields are counted from the last {@code ')'}
   * @throws IllegalArgumentException when the line has fewer than 15 fields
   */
  public static long cpuTicks(String statLine) {
    String[] f = fieldsAfterCommand(statLine);
    // f[0] is field 3 (state): utime = field 14 -> f[11], stime = field 15 -> f[12].
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The parent pid (field 4) of a {@code /proc/<pid>/stat} line. */
  public static long parentPid(String statLine) {
    return Long.parseLong(fieldsAfterCommand(statLine)[1]);
  }

  private static String[] fieldsAfterCommand(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line (no ')'): " + statLine);
    }
    String[] f = statLine.substring(close + 1).trim().split("\\s+");
    if (f.length < 13) {
      throw new IllegalArgumentException(
          "/proc/<pid>/stat line has " + (f.length + 2) + " fields, need >= 15: " + statLine);
    }
    return f;
  }

  /**
   * A {@code kB} value of {@code /proc/<pid>/status}, e.g. {@code VmHWM}.
   *
   * @return the value in KiB, or empty when the key is absent (kernel threads have no VmRSS)
   */
  public static Optional<Long> statusKb(String status, String key) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key + ":")) {
        String value = line.substring(key.length() + 1).trim();
        if (value.endsWith("kB")) {
          value = value.substring(0, value.length() - 2).trim();
        }
        return Optional.of(Long.parseLong(value));
      }
    }
    return Optional.empty();
  }

  /** CPU ticks and resident memory of one process at one moment. */
  public record Sample(long pid, long cpuTicks, long rssKb) {}

  /**
   * Reads one process, or empty when it has exited (or cannot be read).
   *
   * @param pid a process id
   */
  public static Optional<Sample> read(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
      return Optional.of(new Sample(pid, cpuTicks(stat), statusKb(status, "VmRSS").orElse(0L)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The pids whose command line contains every one of the given strings (e.g. a Flink TaskManager's
   * main class and its configuration directory).
   */
  public static List<Long> pidsWithCommandLine(String... parts) {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          boolean all = true;
          for (String part : parts) {
            all &= cmd.contains(part);
          }
          if (all) {
            out.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // the process exited while we listed /proc
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return out;
  }

  /**
   * {@code pid} and all its living descendants (from the parent pids in {@code /proc/<pid>/stat}).
   */
  public static List<Long> processTree(long pid) {
    List<long[]> parents = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          parents.add(
              new long[] {Long.parseLong(name), parentPid(Files.readString(p.resolve("stat")))});
        } catch (IOException | RuntimeException e) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    List<Long> tree = new ArrayList<>(List.of(pid));
    for (int i = 0; i < tree.size(); i++) {
      long parent = tree.get(i);
      for (long[] pp : parents) {
        if (pp[1] == parent && !tree.contains(pp[0])) {
          tree.add(pp[0]);
        }
      }
    }
    return tree;
  }
}
