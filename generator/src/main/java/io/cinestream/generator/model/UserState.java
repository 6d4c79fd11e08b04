package io.cinestream.generator.model;

/** Where a simulated user is in their life cycle. */
public enum UserState {
  /** Drawn, but the registration event is not out yet: the user may emit nothing else. */
  UNREGISTERED,
  /** Registered and not in a session. */
  OFFLINE,
  /** Between a sign_in and the end of that session. */
  IN_SESSION,
  /** No further events: the user churned or the simulated window ended. */
  GONE
}
