/** What Lifeboat knows about Odoo: configuration, instances, manifests, attachments. */
package io.lifeboat.odoo;
