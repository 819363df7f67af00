package io.lifeboat.api;

/** Show a repository's sizes, deduplication and compression. Works with a writer key. */
public record StatsRequest() {}
