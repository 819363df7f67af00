package io.lifeboat.api;

/**
 * Which databases of the instance Odoo would list.
 *
 * @param httpHost the HTTP host name for dbfilter's {@code %h} and {@code %d}, or null
 */
public record DatabasesRequest(String httpHost) {

    /** The databases Odoo lists with no HTTP host. */
    public static DatabasesRequest all() {
        return new DatabasesRequest(null);
    }
}
