package dev.portaltoken.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CustomerIdsTest {

    @ParameterizedTest(name = "{0} <-> {1}")
    @CsvSource({
            "ffffffff-ffff-ffff-ffff-ffffffffffff, cus_7n42DGM5Tflk9n8mt7Fhc7",
            "018cb5a1-2ca6-7d0a-9090-319762bf129b, cus_422BsKj2MmcjHFwzpdBmEu",
            "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b, cus_2XIMCHBKXFNCMpYJp2dS9M"})
    void upstreamTestVectors(String uuid, String wire) {
        assertEquals(wire, CustomerIds.format(UUID.fromString(uuid)));
        assertEquals(Optional.of(UUID.fromString(uuid)), CustomerIds.parse(wire));
    }

    @Test
    void roundTripsNewIds() {
        for (int i = 0; i < 1_000; i++) {
            UUID id = Uuids.v7();
            assertEquals(Optional.of(id), CustomerIds.parse(CustomerIds.format(id)));
        }
    }

    @ParameterizedTest(name = "[{0}] is not an id")
    @ValueSource(strings = {"", "cus_", "cus", "CUS_422BsKj2MmcjHFwzpdBmEu", "cus_422BsKj2MmcjHFwzpdBmE!",
            "cus_0422BsKj2MmcjHFwzpdBmEu", "cus_7n42DGM5Tflk9n8mt7Fhc8", "my-alias", "422BsKj2MmcjHFwzpdBmEu"})
    void nonCanonicalOrMalformedValuesAreAliases(String value) {
        assertEquals(Optional.empty(), CustomerIds.parse(value));
    }

    @Test
    void newIdsAreVersion7AndTimeOrdered() throws InterruptedException {
        UUID first = Uuids.v7();
        Thread.sleep(2);
        UUID second = Uuids.v7();
        assertEquals(7, first.version());
        assertEquals(2, first.variant());
        assertEquals(-1, Long.compareUnsigned(first.getMostSignificantBits(), second.getMostSignificantBits()));
    }
}
