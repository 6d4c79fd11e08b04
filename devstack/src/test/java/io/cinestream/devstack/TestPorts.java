package io.cinestream.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free ports for devstack's own tests. The other modules take {@code
 * io.cinestream.testsupport.Ports}; devstack cannot, since test-support depends on devstack (its
 * local stack is devstack's broker, registry and PostgreSQL).
 */
public final class TestPorts {

  private TestPorts() {}

  /**
   * A TCP port of 127.0.0.1 that was free a moment ago (the operating system's pick for port 0).
   *
   * @return the port number
   * @throws UncheckedIOException when no port can be bound
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
