package io.cinestream.generator.model;

import io.cinestream.events.PreferredLanguage;
import java.util.Objects;

/**
 * A simulated shop user: the fixed registration attributes plus a mutable life-cycle state.
 *
 * <p>The e-mail is held only in masked form ({@code ****@<domain>},
 * docs/operations.md#events-the-generator: masked before it leaves the process); the generator
 * never makes up a local part at all.
 */
public final class User {

  /** Smallest user id (docs/architecture.md#topics-and-schemas). */
  public static final int MIN_ID = 1;

  /** Largest user id (docs/architecture.md#topics-and-schemas). */
  public static final int MAX_ID = 1_000_000;

  /** Youngest registration age, years. */
  public static final int MIN_AGE = 18;

  /** Oldest registration age, years. */
  public static final int MAX_AGE = 95;

  private final int id;
  private final int age;
  private final String maskedEmail;
  private final PreferredLanguage language;
  private UserState state = UserState.UNREGISTERED;

  /**
   * @param id 1..1,000,000
   * @param age 18..95 years
   * @param maskedEmail {@code ****@<domain>}
   * @param language preferred UI language
   * @throws IllegalArgumentException when a value is out of its range or the e-mail is not masked
   */
  public User(int id, int age, String maskedEmail, PreferredLanguage language) {
    if (id < MIN_ID || id > MAX_ID) {
      throw new IllegalArgumentException("user id " + id + " outside 1..1,000,000");
    }
    if (age < MIN_AGE || age > MAX_AGE) {
      throw new IllegalArgumentException("age " + age + " outside 18..95");
    }
    if (!maskedEmail.startsWith("****@") || maskedEmail.length() < 8) {
      throw new IllegalArgumentException("e-mail is not masked as ****@domain: " + maskedEmail);
    }
    this.id = id;
    this.age = age;
    this.maskedEmail = maskedEmail;
    this.language = Objects.requireNonNull(language, "language");
  }

  /** The user id, 1..1,000,000. */
  public int id() {
    return id;
  }

  /** Age at registration, years. */
  public int age() {
    return age;
  }

  /** {@code ****@<domain>}. */
  public String maskedEmail() {
    return maskedEmail;
  }

  /** Preferred UI language. */
  public PreferredLanguage language() {
    return language;
  }

  /** The current life-cycle state. */
  public UserState state() {
    return state;
  }

  /** Moves the user to {@code next}; the simulation is the only caller. */
  public void moveTo(UserState next) {
    this.state = Objects.requireNonNull(next);
  }

  @Override
  public String toString() {
    return "User[" + id + ", " + state + "]";
  }
}
