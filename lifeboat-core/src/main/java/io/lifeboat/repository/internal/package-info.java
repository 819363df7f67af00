/** Private API of the repository: codecs, crypto, chunking. No compatibility guarantees provided. */
package io.lifeboat.repository.internal;
