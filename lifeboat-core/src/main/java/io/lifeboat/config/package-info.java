/**
 * Lifeboat's own configuration file ({@code /etc/lifeboat/lifeboat.yaml}): instances, repositories,
 * secrets by reference, retention. Knows nothing of the CLI and never reads the process environment:
 * callers pass it in. Format: {@code docs/configuration.md}.
 */
package io.lifeboat.config;
