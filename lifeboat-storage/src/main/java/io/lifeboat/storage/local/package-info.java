/** Objects as files in a local directory. */
package io.lifeboat.storage.local;
