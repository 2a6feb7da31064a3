package dev.portaltoken.keys;

/**
 * A private key encrypted under the key encryption key: AES-256-GCM ciphertext with its tag, and
 * the random 96-bit nonce it was sealed with.
 */
record SealedKey(byte[] nonce, byte[] ciphertext) {
    @Override
    public String toString() {
        return "SealedKey[" + ciphertext.length + " bytes]";
    }
}
