/**
 * What the {@link io.lifeboat.Lifeboat} facade speaks: its settings, one immutable request and one
 * immutable result record per use case, progress events and the cancellation token. Plain data, no
 * logic that reaches a database, a filestore or a repository. Results serialize with Jackson to the JSON
 * the CLI prints with {@code --json} (docs/json.md); front ends (CLI, server) depend on this package and
 * on the facade only.
 */
package io.lifeboat.api;
