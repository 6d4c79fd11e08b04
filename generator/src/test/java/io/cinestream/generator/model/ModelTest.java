package io.cinestream.generator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.events.PreferredLanguage;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ModelTest {

  @Test
  void aCartKeepsItsIdAcrossAddsAndClosesOnCheckout() {
    Cart cart = new Cart(new UUID(3, 4));
    cart.add("ean:1");
    cart.add("ean:1");

    assertThat(cart.checkOut()).containsExactly("ean:1", "ean:1");
    assertThat(cart.isOpen()).isFalse();
    assertThatThrownBy(() -> cart.add("ean:2")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(cart::checkOut).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEmptyCartCannotBeCheckedOut() {
    assertThatThrownBy(() -> new Cart(new UUID(1, 1)).checkOut())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aUserRefusesOutOfRangeValuesAndUnmaskedEmails() {
    assertThat(new User(1_000_000, 95, "****@posta.ge", PreferredLanguage.geo).state())
        .isEqualTo(UserState.UNREGISTERED);
    assertThatThrownBy(() -> new User(0, 30, "****@a.com", PreferredLanguage.eng))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new User(5, 17, "****@a.com", PreferredLanguage.eng))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new User(5, 30, "jane@a.com", PreferredLanguage.eng))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
