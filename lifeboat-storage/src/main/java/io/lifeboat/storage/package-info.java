/** Storage backends: one small interface, drivers for local disk, S3 and SFTP, and wrappers. */
package io.lifeboat.storage;
