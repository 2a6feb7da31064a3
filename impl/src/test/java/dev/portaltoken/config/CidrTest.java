package dev.portaltoken.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address blocks of trusted proxies and allowed callers: IP literals only, each octet checked, no name ever looked up. */
class CidrTest {

    @ParameterizedTest(name = "{0} holds {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.255.1.2, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.0/25, 192.168.1.127, true",
            "192.168.1.0/25, 192.168.1.128, false",
            "203.0.113.7, 203.0.113.7, true",
            "203.0.113.7, 203.0.113.8, false",
            "203.0.113.7/32, 203.0.113.7, true",
            "203.0.113.7/32, 203.0.113.6, false",
            "::1/128, ::1, true",
            "0.0.0.0/0, 198.51.100.1, true",
            "0.0.0.0/0, ::1, false",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "[::1], ::1, true",
            "::1, [::1], true",
            "10.0.0.0/8, not-an-address, false",
            "10.0.0.0/8, 10.1.2, false",
    })
    void holdsTheAddressesOfItsBlockOnly(String block, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(block).contains(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "10.0.0.0/", "localhost",
            "cafe", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.", "0001.2.3.4", "", "[]", "1.2.3.4/8/8"})
    void refusesAnythingButAnAddressLiteralAndAPrefixThatFits(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cafe", "beef", "1.2.3", "127.1", "1.2.3.4.5", "300.1.1.1", "1.2.3.-4", "example.com", ""})
    void neverTurnsANameOrALenientFormIntoAnAddress(String text) {
        assertNull(Cidr.literal(text), "InetAddress would accept some of these, or look them up");
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, 127.0.0.1", "' 10.0.0.9 ', 10.0.0.9", "255.255.255.255, 255.255.255.255"})
    void readsEachOctet(String text, String expected) throws Exception {
        assertArrayEquals(InetAddress.getByName(expected).getAddress(), Cidr.literal(text));
        assertTrue(Cidr.parse(text).contains(expected));
    }
}
