package dev.portaltoken.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The choice of signer, given whether AWS-LC can be used. The real fallback, with AWS-LC's native
 * library kept from loading, is run on the packaged jar by {@code jar.SignerFallbackIT}.
 */
class SignerSelectionTest {
    private final List<String> info = new ArrayList<>();

    @Test
    void awsLcIsTheDefaultWhereItLoadsSilently() {
        assertEquals(SignerProvider.AWS_LC, Signers.select(Optional.empty(), Optional.empty(), info::add));
        assertEquals(List.of(), info);
    }

    @Test
    void elsewhereBouncyCastleSignsAndOneInfoLineSaysWhy() {
        assertEquals(SignerProvider.BOUNCYCASTLE,
                Signers.select(Optional.empty(), Optional.of("its native library did not load (no libc)"), info::add));
        assertEquals(List.of("signing with BouncyCastle: AWS-LC cannot be used here (its native library did not load"
                + " (no libc))"), info);
    }

    @ParameterizedTest
    @EnumSource(SignerProvider.class)
    void aForcedSignerIsUsedWhereAwsLcIsAvailable(SignerProvider forced) {
        assertEquals(forced, Signers.select(Optional.of(forced), Optional.empty(), info::add));
        assertEquals(List.of(), info);
    }

    @ParameterizedTest
    @EnumSource(value = SignerProvider.class, names = {"BOUNCYCASTLE", "JDK"})
    void aForcedPureJavaSignerIsUsedWhereAwsLcIsNot(SignerProvider forced) {
        assertEquals(forced, Signers.select(Optional.of(forced), Optional.of("not here"), info::add));
        assertEquals(forced, Signers.select(Optional.of(forced)), "through the public entry too");
        assertEquals(List.of(), info);
    }

    @Test
    void aForcedAwsLcThatCannotBeUsedStopsStartUpWithOneLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Signers.select(Optional.of(SignerProvider.AWS_LC), Optional.of("its self-tests did not pass (FAILED)"),
                        info::add));
        assertEquals("PORTAL_SIGNER=aws-lc, but AWS-LC cannot be used here: its self-tests did not pass (FAILED)",
                e.getMessage());
        assertEquals(List.of(), info);
    }
}
