package io.lifeboat.api;

/**
 * Where the side copy of a point-in-time repair is: null fields mean production's host, port and user (and
 * then its password).
 *
 * @param host host of the side copy's server
 * @param port port of the side copy's server
 * @param user user to connect as
 * @param database the side copy's database (required)
 */
public record PitrSide(String host, Integer port, String user, String database) {}
