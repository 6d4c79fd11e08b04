package io.cinestream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports for servers started by tests. */
public final class Ports {

  private Ports() {}

  /**
   * A TCP port on 127.0.0.1 that was free a moment ago: the operating system picks it for a socket
   * that is closed again at once. Another process may take it before the caller binds it; the
   * ephemeral range is large enough that this does not happen in practice on a test machine.
   *
   * @return a port number in the ephemeral range
   * @throws UncheckedIOException when no socket can be opened on the loopback address
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
