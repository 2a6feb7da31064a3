package dev.portaltoken.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthFailureLimiterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2001:db8:1:2::1|2001:db8:1:2::/64",
            "2001:db8:1:2:ffff:ffff:ffff:ffff|2001:db8:1:2::/64",
            "2001:0DB8:0001:0002:0:0:0:9|2001:db8:1:2::/64",
            "[2001:db8:1:3::1]|2001:db8:1:3::/64",
            "0:0:0:0:0:0:0:1|0:0:0:0::/64",
            "203.0.113.7|203.0.113.7",
            "::ffff:203.0.113.7|203.0.113.7",
            "not-an-address|not-an-address"})
    void ipv6ClientsAreCountedByTheirSlash64(String address, String key) {
        assertEquals(key, AuthFailureLimiter.clientKey(address));
    }
}
