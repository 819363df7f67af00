/**
 * A synthetic Odoo-like instance (schema, attachments, filestore) generated from a seed: what {@code
 * lifeboat demo}, the benchmarks and the tests run against.
 */
package io.lifeboat.demo;
