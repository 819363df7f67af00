/** Objects as files on an SFTP server. */
package io.lifeboat.storage.sftp;
