/**
 * The use cases behind the {@link io.lifeboat.Lifeboat} facade: each wires the engines (backup,
 * restore, check, repair, repository) for one request and turns their reports into the result records
 * of {@link io.lifeboat.api}. Front ends never call this package directly.
 */
package io.lifeboat.usecase;
