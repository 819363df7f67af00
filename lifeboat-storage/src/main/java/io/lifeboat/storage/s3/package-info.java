/** Objects in an S3 bucket: AWS or any S3-compatible store. */
package io.lifeboat.storage.s3;
