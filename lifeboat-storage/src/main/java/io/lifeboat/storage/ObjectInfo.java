package io.lifeboat.storage;

/** The name and size of a stored object. */
public record ObjectInfo(String name, long size) {}
