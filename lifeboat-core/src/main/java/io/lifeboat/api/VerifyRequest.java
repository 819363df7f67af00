package io.lifeboat.api;

/**
 * Check a repository's structure and, optionally, its data. Needs the secret key.
 *
 * @param readData also read every pack, check its hash, decrypt every blob and re-compute its id
 * @param readDataSubset read only part of the data: {@code n/m} (the packs of slice n of m), {@code x%}
 *     or a fraction (packs chosen at random); implies {@code readData}. Null for all packs.
 */
public record VerifyRequest(boolean readData, String readDataSubset) {

    /** The structure only. */
    public static VerifyRequest structure() {
        return new VerifyRequest(false, null);
    }

    /** Whether data is read (all of it or a subset). */
    public boolean readsData() {
        return readData || readDataSubset != null;
    }
}
