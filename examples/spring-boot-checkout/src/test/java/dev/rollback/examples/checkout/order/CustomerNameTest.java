package dev.rollback.examples.checkout.order;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CustomerNameTest {

    @Test
    void theLastWordIsTheLastNameAndTheRestTheFirstName() {
        assertThat(CustomerName.split("  Ada King Lovelace ")).isEqualTo(new CustomerName("Ada King", "Lovelace"));
    }

    @Test
    void aSingleWordIsALastNameWithAnEmptyFirstName() {
        assertThat(CustomerName.split("Menabrea")).isEqualTo(new CustomerName("", "Menabrea"));
    }

    @Test
    void theFullNameJoinsThePartsAsTheOldCheckoutStoresIt() {
        assertThat(CustomerName.split("Grace  Hopper").full()).isEqualTo("Grace Hopper");
        assertThat(CustomerName.split("Menabrea").full()).isEqualTo("Menabrea");
    }
}
