/** Private API shared by the drivers. No compatibility guarantees provided. */
package io.lifeboat.storage.internal;
