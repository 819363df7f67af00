/** Throwaway PostgreSQL clusters and synthetic Odoo-like instances. */
package io.lifeboat.testkit;
