package io.lifeboat.demo;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The rows of the synthetic instance's reference tables (currencies, accounts, journals, locations,
 * subtypes: a few rows each) and of its bulk business tables, generated on the server with {@code
 * generate_series} so that millions of rows take seconds. Every value is a function of the row
 * number and the seed; the foreign keys of {@code odoo17-schema.sql} hold for every row.
 *
 * <p>Per bulk unit ({@code rows}): one {@code account_move_line}, a quarter {@code account_move}
 * (four lines each, balanced: receivable or payable, two product lines, a tax line), a sixth {@code
 * account_full_reconcile}, half a {@code sale_order_line}, a tenth {@code sale_order}, a quarter
 * {@code mail_message} and as many {@code mail_tracking_value}, a fifth {@code stock_move} and a
 * twentieth {@code stock_picking}.
 *
 * <p>Message bodies are Odoo chatter html: a quarter of the messages are tracking notifications
 * with an empty body (their changes are {@code mail_tracking_value} rows); notes are short (about
 * 0.3 to 1.5 KB), discussions and templated messages mostly 0.5 to 4 KB, and some incoming emails
 * quote a whole thread (10 to 50 KB), about 2% of all messages. The text is drawn from a pool of
 * 4,096 paragraphs of varied words, numbers and amounts, so bodies compress like prose, not 100 to
 * 1.
 *
 * <p>It is long because each table's rows are one SQL statement that spells out every column, and
 * the values of related tables (moves and their lines, pickings and their moves, messages and their
 * tracking values) must agree with each other and with the foreign keys.
 */
final class SyntheticBulk {

    private static final int FIRST_PARTNER = SyntheticInstance.FIRST_PARTNER;
    private static final int PRODUCTS = 40;
    private static final int PARAGRAPHS = 4096;
    private static final String[] PRODUCT_NAMES = {
        "Office chair",
        "Desk lamp",
        "Cable management kit",
        "Monitor stand",
        "Large cabinet",
        "Conference table",
        "Drawer unit",
        "Whiteboard",
        "Acoustic panel",
        "Standing desk",
        "Storage box",
        "Corner desk",
        "Flipchart",
        "Filing cabinet",
        "Pedestal",
        "Footrest",
        "Laptop sleeve",
        "Headset",
        "Docking station",
        "Webcam"
    };

    private SyntheticBulk() {}

    /** The reference rows: currencies, countries, accounts, journals, taxes, products, locations and so on. */
    static void referenceRows(Statement s, String created) throws SQLException {
        String audit = "1, 1, '" + created + "', '" + created + "'";
        String cols = "create_uid, write_uid, create_date, write_date";
        s.execute(
                "INSERT INTO res_currency (id, name, symbol, full_name, decimal_places, position, currency_unit_label,"
                        + " currency_subunit_label, rounding, active, " + cols + ") VALUES"
                        + " (1, 'EUR', '€', 'Euro', 2, 'after', '{\"en_US\": \"Euros\"}', '{\"en_US\": \"Cents\"}', 0.01, true, "
                        + audit + "),"
                        + " (2, 'USD', '$', 'United States dollar', 2, 'before', '{\"en_US\": \"Dollars\"}',"
                        + " '{\"en_US\": \"Cents\"}', 0.01, true, " + audit + "),"
                        + " (3, 'GBP', '£', 'Pound sterling', 2, 'before', '{\"en_US\": \"Pounds\"}', '{\"en_US\": \"Pence\"}',"
                        + " 0.01, false, " + audit + ")");
        s.execute("INSERT INTO res_country (id, code, name, phone_code, currency_id, " + cols + ")"
                + " SELECT i, c[1], jsonb_build_object('en_US', c[2]), c[3]::int, c[4]::int, " + audit
                + " FROM (VALUES (1, ARRAY['BE', 'Belgium', '32', '1']), (2, ARRAY['FR', 'France', '33', '1']),"
                + " (3, ARRAY['DE', 'Germany', '49', '1']), (4, ARRAY['NL', 'Netherlands', '31', '1']),"
                + " (5, ARRAY['US', 'United States', '1', '2']), (6, ARRAY['ES', 'Spain', '34', '1'])) v(i, c)");
        s.execute("INSERT INTO res_country_state (id, country_id, name, code, " + cols + ") VALUES"
                + " (1, 5, 'California', 'CA', " + audit + "), (2, 5, 'New York', 'NY', " + audit + "),"
                + " (3, 6, 'Madrid', 'M', " + audit + ")");
        s.execute("INSERT INTO res_partner_title (id, name, shortcut, " + cols + ") VALUES"
                + " (1, '{\"en_US\": \"Mister\"}', '{\"en_US\": \"Mr.\"}', " + audit + "),"
                + " (2, '{\"en_US\": \"Madam\"}', '{\"en_US\": \"Mrs.\"}', " + audit + "),"
                + " (3, '{\"en_US\": \"Doctor\"}', '{\"en_US\": \"Dr.\"}', " + audit + ")");
        s.execute("INSERT INTO res_partner_industry (id, name, full_name, active, " + cols + ")"
                + " SELECT i, jsonb_build_object('en_US', n), jsonb_build_object('en_US', n), true, " + audit
                + " FROM unnest(ARRAY['Administrative', 'Agriculture', 'Construction', 'Manufacturing',"
                + " 'Wholesale']) WITH ORDINALITY u(n, i)");
        s.execute("INSERT INTO crm_team (id, name, sequence, company_id, user_id, color, active, " + cols + ")"
                + " SELECT i, jsonb_build_object('en_US', n), 10 * i, 1, 2, i, true, " + audit
                + " FROM unnest(ARRAY['Sales', 'Website', 'Point of Sale']) WITH ORDINALITY u(n, i)");
        s.execute("INSERT INTO mail_alias_domain (id, name, sequence, bounce_alias, catchall_alias, default_from, "
                + cols + ") VALUES (1, 'example.com', 10, 'bounce', 'catchall', 'notifications', " + audit + ")");
        s.execute("INSERT INTO mail_message_subtype (id, name, res_model, sequence, internal, \"default\", hidden,"
                + " track_recipients, " + cols + ") VALUES"
                + " (1, '{\"en_US\": \"Discussions\"}', null, 0, false, true, false, true, " + audit + "),"
                + " (2, '{\"en_US\": \"Note\"}', null, 100, true, false, false, false, " + audit + "),"
                + " (3, '{\"en_US\": \"Activities\"}', null, 90, true, false, false, false, " + audit + "),"
                + " (4, '{\"en_US\": \"Sales Order Confirmed\"}', 'sale.order', 20, false, true, false, false, "
                + audit + "),"
                + " (5, '{\"en_US\": \"Invoice Validated\"}', 'account.move', 20, false, true, false, false, " + audit
                + "),"
                + " (6, '{\"en_US\": \"Stage Changed\"}', null, 30, true, true, true, false, " + audit + ")");
        s.execute(
                "INSERT INTO mail_activity_type (id, name, sequence, delay_count, delay_unit, category, icon, active, "
                        + cols + ") SELECT i, jsonb_build_object('en_US', n), i, 2, 'days', c, 'fa-tasks', true, "
                        + audit
                        + " FROM (VALUES (1, 'Email', 'default'), (2, 'Call', 'phonecall'), (3, 'Meeting', 'meeting'),"
                        + " (4, 'To-Do', 'default'), (5, 'Upload Document', 'upload_file')) v(i, n, c)");
        s.execute("INSERT INTO mail_guest (id, name, access_token, country_id, lang, timezone, " + cols + ") VALUES"
                + " (1, 'Visitor #1', md5('guest1'), 1, 'en_US', 'Europe/Brussels', " + audit + "),"
                + " (2, 'Visitor #2', md5('guest2'), 2, 'fr_FR', 'Europe/Paris', " + audit + ")");
        trackedFields(s, audit, cols);
        s.execute("INSERT INTO uom_uom (id, category_id, name, uom_type, factor, rounding, active, " + cols + ") VALUES"
                + " (1, 1, '{\"en_US\": \"Units\"}', 'reference', 1, 0.01, true, " + audit + "),"
                + " (2, 1, '{\"en_US\": \"Dozens\"}', 'bigger', 0.0833, 0.01, true, " + audit + "),"
                + " (3, 2, '{\"en_US\": \"kg\"}', 'reference', 1, 0.01, true, " + audit + "),"
                + " (4, 3, '{\"en_US\": \"Hours\"}', 'reference', 1, 0.01, true, " + audit + ")");
        s.execute("INSERT INTO product_product (id, product_tmpl_id, default_code, barcode, volume, weight, active, "
                + cols + ") SELECT i, i, 'PRD-' || lpad(i::text, 4, '0'), (5400000000000 + i * 7919)::text,"
                + " round(i / 100.0, 3), round(i / 10.0, 2), true, " + audit
                + " FROM generate_series(1, " + PRODUCTS + ") i");
        s.execute("INSERT INTO account_account (id, company_id, code, name, account_type, internal_group, deprecated,"
                + " reconcile, non_trade, " + cols
                + ") SELECT i, 1, a[1], jsonb_build_object('en_US', a[2]), a[3], a[4],"
                + " false, a[5]::boolean, false, " + audit + " FROM (VALUES"
                + " (1, ARRAY['550001', 'Bank', 'asset_cash', 'asset', 'f']),"
                + " (2, ARRAY['400000', 'Account Receivable', 'asset_receivable', 'asset', 't']),"
                + " (3, ARRAY['440000', 'Account Payable', 'liability_payable', 'liability', 't']),"
                + " (4, ARRAY['451000', 'VAT Payable', 'liability_current', 'liability', 'f']),"
                + " (5, ARRAY['700000', 'Product Sales', 'income', 'income', 'f']),"
                + " (6, ARRAY['600000', 'Purchases', 'expense', 'expense', 'f']),"
                + " (7, ARRAY['411000', 'VAT Deductible', 'asset_current', 'asset', 'f']),"
                + " (8, ARRAY['999999', 'Undistributed Profits/Losses', 'equity_unaffected', 'equity', 'f'])) v(i, a)");
        s.execute("INSERT INTO account_journal (id, name, code, type, company_id, default_account_id, sequence, color,"
                + " active, restrict_mode_hash_table, " + cols
                + ") SELECT i, jsonb_build_object('en_US', j[1]), j[2], j[3],"
                + " 1, j[4]::int, i, i, true, false, " + audit + " FROM (VALUES"
                + " (1, ARRAY['Customer Invoices', 'INV', 'sale', '5']), (2, ARRAY['Vendor Bills', 'BILL', 'purchase', '6']),"
                + " (3, ARRAY['Miscellaneous Operations', 'MISC', 'general', '8']),"
                + " (4, ARRAY['Exchange Difference', 'EXCH', 'general', '8']), (5, ARRAY['Bank', 'BNK1', 'bank', '1']),"
                + " (6, ARRAY['Cash', 'CSH1', 'cash', '1'])) v(i, j)");
        s.execute("INSERT INTO account_tax_group (id, name, sequence, company_id, country_id, " + cols + ") VALUES"
                + " (1, '{\"en_US\": \"VAT 21%\"}', 1, 1, 1, " + audit + "), (2, '{\"en_US\": \"VAT 6%\"}', 2, 1, 1, "
                + audit + ")");
        s.execute("INSERT INTO account_tax (id, name, type_tax_use, amount_type, amount, tax_group_id, company_id,"
                + " country_id, sequence, active, price_include, " + cols + ") VALUES"
                + " (1, '{\"en_US\": \"21%\"}', 'sale', 'percent', 21, 1, 1, 1, 1, true, false, " + audit + "),"
                + " (2, '{\"en_US\": \"6%\"}', 'sale', 'percent', 6, 2, 1, 1, 2, true, false, " + audit + "),"
                + " (3, '{\"en_US\": \"21% G\"}', 'purchase', 'percent', 21, 1, 1, 1, 3, true, false, " + audit + "),"
                + " (4, '{\"en_US\": \"21% + 6%\"}', 'sale', 'group', 0, 1, 1, 1, 4, true, false, " + audit + ")");
        s.execute("INSERT INTO account_tax_repartition_line (id, tax_id, account_id, company_id, repartition_type,"
                + " document_type, factor_percent, sequence, use_in_tax_closing, " + cols + ")"
                + " SELECT i, 1 + (i - 1) / 4 % 3, CASE WHEN i % 2 = 0 THEN CASE WHEN i > 8 THEN 7 ELSE 4 END END, 1,"
                + " CASE WHEN i % 2 = 1 THEN 'base' ELSE 'tax' END, CASE WHEN (i - 1) / 2 % 2 = 0 THEN 'invoice'"
                + " ELSE 'refund' END, 100, i, i % 2 = 0, " + audit + " FROM generate_series(1, 12) i");
        s.execute("INSERT INTO account_reconcile_model (id, name, sequence, company_id, rule_type, active,"
                + " auto_reconcile, " + cols + ") VALUES"
                + " (1, '{\"en_US\": \"Invoices/Bills Perfect Match\"}', 1, 1, 'invoice_matching', true, true, " + audit
                + "),"
                + " (2, '{\"en_US\": \"Bank Fees\"}', 2, 1, 'writeoff_button', true, false, " + audit + ")");
        s.execute("INSERT INTO account_payment (id, move_id, partner_id, payment_type, partner_type, amount,"
                + " is_reconciled, " + cols + ") SELECT i, i, " + FIRST_PARTNER + " + i, 'inbound', 'customer',"
                + " 100 * i, true, " + audit + " FROM generate_series(1, 5) i");
        s.execute(
                "INSERT INTO account_bank_statement (id, name, reference, journal_id, company_id, date, balance_start,"
                        + " balance_end_real, is_complete, " + cols
                        + ") SELECT i, 'BNK1 Statement ' || i, 'ST' || i, 5, 1,"
                        + " date '2019-01-31' + 30 * i, 1000 * i, 1000 * i + 500, true, " + audit
                        + " FROM generate_series(1, 2) i");
        s.execute("INSERT INTO account_bank_statement_line (id, move_id, statement_id, partner_id, payment_ref, amount,"
                + " is_reconciled, internal_index, " + cols + ") SELECT i, i, 1 + (i - 1) % 2, " + FIRST_PARTNER
                + " + i,"
                + " 'Payment ' || i, 125 * i, true, '20190131' || lpad(i::text, 10, '0'), " + audit
                + " FROM generate_series(1, 4) i");
        stockReferenceRows(s, audit, cols);
    }

    private static void trackedFields(Statement s, String audit, String cols) throws SQLException {
        // Field kinds in the order of mail_tracking_value's generator: id % 6 picks the kind.
        String[][] fields = {
            {"sale.order", "state", "Status", "selection", null},
            {"sale.order", "partner_id", "Customer", "many2one", "res.partner"},
            {"sale.order", "amount_total", "Total", "monetary", null},
            {"sale.order", "date_order", "Order Date", "datetime", null},
            {"sale.order", "client_order_ref", "Customer Reference", "char", null},
            {"sale.order", "prepayment_percent", "Prepayment percentage", "float", null},
            {"account.move", "state", "Status", "selection", null},
            {"account.move", "partner_id", "Partner", "many2one", "res.partner"},
            {"account.move", "amount_total", "Total", "monetary", null},
            {"account.move", "invoice_date", "Invoice/Bill Date", "date", null},
            {"account.move", "ref", "Reference", "char", null},
            {"account.move", "quick_edit_total_amount", "Total (Tax inc.)", "monetary", null},
            {"stock.picking", "state", "Status", "selection", null},
            {"stock.picking", "user_id", "Responsible", "many2one", "res.users"},
            {"stock.picking", "weight", "Weight", "float", null},
            {"stock.picking", "scheduled_date", "Scheduled Date", "datetime", null},
            {"stock.picking", "origin", "Source Document", "char", null},
            {"stock.picking", "shipping_weight", "Weight for Shipping", "float", null},
            {"res.partner", "type", "Address Type", "selection", null},
            {"res.partner", "user_id", "Salesperson", "many2one", "res.users"},
            {"res.partner", "credit_limit", "Credit Limit", "float", null},
            {"res.partner", "date", "Date", "date", null},
            {"res.partner", "email", "Email", "char", null},
            {"res.partner", "partner_latitude", "Geo Latitude", "float", null}
        };
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            String[] f = fields[i];
            values.append(i == 0 ? "" : ", ")
                    .append("(")
                    .append(i + 1)
                    .append(", '")
                    .append(f[1])
                    .append("', '")
                    .append(f[0])
                    .append('.')
                    .append(f[1])
                    .append("', '")
                    .append(f[0])
                    .append("', ")
                    .append(f[4] == null ? "null" : "'" + f[4] + "'")
                    .append(", ")
                    .append(1 + i / 6)
                    .append(", '{\"en_US\": \"")
                    .append(f[2])
                    .append("\"}', '")
                    .append(f[3])
                    .append("', 'base', ")
                    .append(1 + i % 6)
                    .append(", true, false, false, false, ")
                    .append(audit)
                    .append(')');
        }
        s.execute("INSERT INTO ir_model_fields (id, name, complete_name, model, relation, model_id, field_description,"
                + " ttype, state, tracking, store, index, readonly, required, " + cols + ") VALUES " + values);
    }

    private static void stockReferenceRows(Statement s, String audit, String cols) throws SQLException {
        s.execute("INSERT INTO stock_location (id, name, complete_name, usage, location_id, company_id, warehouse_id,"
                + " parent_path, active, scrap_location, " + cols + ") VALUES"
                + " (1, 'WH', 'WH', 'view', null, 1, 1, '1/', true, false, " + audit + "),"
                + " (2, 'Stock', 'WH/Stock', 'internal', 1, 1, 1, '1/2/', true, false, " + audit + "),"
                + " (3, 'Shelf 1', 'WH/Stock/Shelf 1', 'internal', 2, 1, 1, '1/2/3/', true, false, " + audit + "),"
                + " (4, 'Vendors', 'Partners/Vendors', 'supplier', null, null, null, '4/', true, false, " + audit + "),"
                + " (5, 'Customers', 'Partners/Customers', 'customer', null, null, null, '5/', true, false, " + audit
                + "),"
                + " (6, 'Inventory adjustment', 'Virtual Locations/Inventory adjustment', 'inventory', null, 1, null,"
                + " '6/', true, false, " + audit + "),"
                + " (7, 'Scrap', 'Virtual Locations/Scrap', 'inventory', null, 1, null, '7/', true, true, " + audit
                + ")");
        s.execute("INSERT INTO stock_warehouse (id, name, code, company_id, partner_id, view_location_id, lot_stock_id,"
                + " reception_steps, delivery_steps, active, " + cols + ") VALUES"
                + " (1, 'My Company', 'WH', 1, 1, 1, 2, 'one_step', 'ship_only', true, " + audit + ")");
        s.execute("INSERT INTO stock_picking_type (id, name, code, sequence_code, warehouse_id, company_id,"
                + " default_location_src_id, default_location_dest_id, sequence, active, " + cols + ") VALUES"
                + " (1, '{\"en_US\": \"Receipts\"}', 'incoming', 'IN', 1, 1, 4, 2, 1, true, " + audit + "),"
                + " (2, '{\"en_US\": \"Delivery Orders\"}', 'outgoing', 'OUT', 1, 1, 2, 5, 2, true, " + audit + "),"
                + " (3, '{\"en_US\": \"Internal Transfers\"}', 'internal', 'INT', 1, 1, 2, 3, 3, true, " + audit + ")");
        s.execute("INSERT INTO stock_rule (id, name, action, procure_method, location_dest_id, location_src_id,"
                + " picking_type_id, warehouse_id, company_id, sequence, active, " + cols + ") VALUES"
                + " (1, '{\"en_US\": \"WH: Stock → Customers\"}', 'pull', 'make_to_stock', 5, 2, 2, 1, 1, 20, true, "
                + audit + "),"
                + " (2, '{\"en_US\": \"WH: Vendors → Stock\"}', 'buy', 'make_to_stock', 2, null, 1, 1, 1, 10, true, "
                + audit + ")");
        s.execute("INSERT INTO procurement_group (id, name, move_type, partner_id, sale_id, " + cols + ")"
                + " SELECT i, 'S' || lpad(i::text, 5, '0'), 'direct', " + FIRST_PARTNER + " + i, null, " + audit
                + " FROM generate_series(1, 5) i");
        s.execute("INSERT INTO stock_scrap (id, name, product_id, product_uom_id, scrap_qty, location_id,"
                + " scrap_location_id, company_id, state, date_done, " + cols + ") VALUES"
                + " (1, 'SP/00001', 1, 1, 2, 2, 7, 1, 'done', '2019-03-01 10:00:00', " + audit + ")");
        s.execute("INSERT INTO stock_package_level (id, package_id, picking_id, location_dest_id, company_id, " + cols
                + ") VALUES (1, 1, null, 5, 1, " + audit + ")");
        s.execute("INSERT INTO stock_warehouse_orderpoint (id, name, trigger, warehouse_id, location_id, product_id,"
                + " company_id, product_min_qty, product_max_qty, qty_multiple, active, " + cols + ")"
                + " SELECT i, 'OP/' || lpad(i::text, 5, '0'), 'auto', 1, 2, i, 1, 5, 20, 1, true, " + audit
                + " FROM generate_series(1, 3) i");
        s.execute("INSERT INTO product_packaging (id, name, product_id, company_id, qty, barcode, sequence, " + cols
                + ") SELECT i, 'Box of ' || 6 * i, i, 1, 6 * i, null, i, " + audit + " FROM generate_series(1, 2) i");
    }

    /** Fills the bulk tables; returns the number of rows. */
    static long bulkRows(Statement s, long rows, long seed, long partners) throws SQLException {
        Sql q = new Sql(seed, partners);
        long orders = rows == 0 ? 0 : Math.max(1, rows / 10);
        long lines = rows / 2;
        long moves = (rows + 3) / 4;
        long reconciles = moves - moves / 3;
        long stockMoves = rows / 5;
        long pickings = (stockMoves + 3) / 4;
        long messages = rows / 4;
        long trackings = messages >= 4 ? messages : 0;
        s.execute(q.fill("""
                INSERT INTO sale_order (id, partner_id, company_id, name, state, client_order_ref, date_order,
                    amount_untaxed, amount_tax, amount_total, note, create_uid, create_date, write_uid, write_date)
                SELECT g, {first} + (g * 7919 + {salt}) % {pc}, 1, 'S' || lpad(g::text, 6, '0'),
                    (ARRAY['draft','sent','sale','sale','sale','cancel'])[1 + (g + {salt}) % 6],
                    'PO-' || upper(substr(md5({k} || 'so' || g), 1, 10)), ts, a, round(a * 0.21, 2),
                    round(a * 1.21, 2), '<p>Payment terms: 30 days. Order ' || g || ' for partner ' || (g % 997)
                    || '.</p>', 2, ts, 2, ts
                FROM (SELECT g, round(((g * 104729 + {salt}) % 10000000) / 100.0, 2) AS a,
                    timestamp '2019-01-01' + g * interval '83 seconds' AS ts
                    FROM generate_series(1::bigint, {orders}) g) x""", "orders", orders));
        s.execute(q.fill("""
                INSERT INTO sale_order_line (id, order_id, sequence, name, product_uom_qty, price_unit, discount,
                    price_subtotal, state, create_uid, create_date, write_uid, write_date)
                SELECT g, 1 + (g - 1) / 5 % {orders}, 10 * (1 + g % 5),
                    '[PRD-' || (g * 31 + {salt}) % 5000 || '] ' || (ARRAY['Office chair','Desk lamp',
                    'Cable management kit','Monitor stand','Large cabinet','Conference table'])[1 + g % 6]
                    || ' ' || substr(md5({k} || 'sol' || g), 1, 12), qty, pu, (g % 4) * 5, round(qty * pu, 2),
                    'sale', 2, ts, 2, ts
                FROM (SELECT g, 1 + (g % 9) AS qty, round(((g * 7907 + {salt}) % 100000) / 100.0, 2) AS pu,
                    timestamp '2019-01-01' + g * interval '17 seconds' AS ts
                    FROM generate_series(1::bigint, {lines}) g) x""", "orders", Math.max(1, orders), "lines", lines));
        accounting(s, q, rows, moves, reconciles, Math.max(1, orders));
        stock(s, q, stockMoves, pickings, Math.max(1, orders), lines);
        if (messages > 0) {
            mail(s, q, rows, messages, trackings, Math.max(1, orders), moves, pickings);
        }
        for (String t : List.of(
                "sale_order",
                "sale_order_line",
                "account_move",
                "account_full_reconcile",
                "account_move_line",
                "stock_picking",
                "stock_move",
                "mail_message",
                "mail_tracking_value")) {
            s.execute("SELECT setval('" + t + "_id_seq', (SELECT coalesce(max(id), 0) + 1 FROM " + t + "), false)");
        }
        return orders + lines + moves + reconciles + rows + pickings + stockMoves + messages + trackings;
    }

    /** Invoices (four in five) and vendor bills with their four lines each; two in three are paid and reconciled. */
    private static void accounting(Statement s, Sql q, long rows, long moves, long reconciles, long orders)
            throws SQLException {
        String per = Long.toString(Math.max(1, rows));
        // the amounts of move m: two product lines and their 21% tax
        String amounts = "round(((m * 104723 + {salt}) % 1000000) / 100.0, 2) AS a1,"
                + " round(((m * 7919 + {salt}) % 500000) / 100.0, 2) AS a2";
        s.execute(q.fill("""
                INSERT INTO account_move (id, sequence_number, journal_id, company_id, payment_id, statement_line_id,
                    partner_id, commercial_partner_id, partner_shipping_id, currency_id, reversed_entry_id,
                    invoice_user_id, team_id, create_uid, write_uid, sequence_prefix, name, ref, state, move_type,
                    auto_post, payment_reference, payment_state, invoice_partner_display_name, invoice_origin, date,
                    invoice_date, invoice_date_due, narration, amount_untaxed, amount_tax, amount_total,
                    amount_residual, amount_untaxed_signed, amount_tax_signed, amount_total_signed,
                    amount_total_in_currency_signed, amount_residual_signed, is_storno, always_tax_exigible, to_check,
                    posted_before, is_move_sent, create_date, write_date)
                SELECT m, m, CASE WHEN bill THEN 2 ELSE 1 END, 1,
                    CASE WHEN m % 20 = 1 THEN 1 + m % 5 END, CASE WHEN m % 33 = 2 THEN 1 + m % 4 END,
                    p, p, p, 1, CASE WHEN m % 97 = 0 THEN m - 1 END, 2, CASE WHEN bill THEN null ELSE 1 END, 2, 2,
                    prefix, prefix || lpad(m::text, 7, '0'), 'REF' || m, 'posted',
                    CASE WHEN bill THEN 'in_invoice' ELSE 'out_invoice' END, 'no', prefix || lpad(m::text, 7, '0'),
                    CASE WHEN m % 3 = 0 THEN 'not_paid' ELSE 'paid' END, 'Partner ' || p,
                    CASE WHEN bill THEN 'P' || lpad((m % 99999)::text, 5, '0')
                    ELSE 'S' || lpad((1 + m % {orders})::text, 6, '0') END, d, d, d + 30,
                    '<p>Payment terms: 30 days. Please use ' || prefix || lpad(m::text, 7, '0')
                    || ' as the communication of your payment.</p>',
                    a1 + a2, tax, a1 + a2 + tax, CASE WHEN m % 3 = 0 THEN a1 + a2 + tax ELSE 0 END,
                    sg * (a1 + a2), sg * tax, sg * (a1 + a2 + tax), sg * (a1 + a2 + tax),
                    CASE WHEN m % 3 = 0 THEN sg * (a1 + a2 + tax) ELSE 0 END, false, false, false, true, NOT bill,
                    ts, ts
                FROM (SELECT m, bill, CASE WHEN bill THEN -1 ELSE 1 END AS sg, a1, a2, round((a1 + a2) * 0.21, 2) AS tax,
                        {first} + (m * 7919 + {salt}) % {pc} AS p,
                        CASE WHEN bill THEN 'BILL/' ELSE 'INV/' END || (2019 + m * 20 / {per}) || '/' AS prefix,
                        date '2019-01-01' + (m * 4 * 5 * 365 / {per})::int AS d,
                        timestamp '2019-01-01' + m * interval '28 seconds' AS ts
                    FROM (SELECT m, m % 5 = 4 AS bill, {amounts}
                        FROM generate_series(1::bigint, {moves}) m) a) x""", "orders", orders, "per", per, "moves", moves, "amounts", amounts));
        s.execute(q.fill("""
                INSERT INTO account_full_reconcile (id, exchange_move_id, create_uid, write_uid, create_date, write_date)
                SELECT r, null, 2, 2, ts, ts
                FROM (SELECT r, timestamp '2019-01-01' + r * interval '42 seconds' AS ts
                    FROM generate_series(1::bigint, {reconciles}) r) x""", "reconciles", reconciles));
        // line l of move m: 0 receivable (payable), 1 and 2 products, 3 tax; the receivable of two moves in
        // three is reconciled (full reconcile m - m / 3 numbers those moves 1, 2, 3, ...)
        s.execute(q.fill("""
                INSERT INTO account_move_line (id, move_id, journal_id, company_id, company_currency_id, sequence,
                    account_id, currency_id, partner_id, reconcile_model_id, payment_id, statement_line_id,
                    statement_id, group_tax_id, tax_line_id, tax_group_id, tax_repartition_line_id,
                    full_reconcile_id, account_root_id, product_id, product_uom_id, create_uid, write_uid, move_name,
                    account_code, parent_state, ref, name, matching_number, display_type, date, invoice_date,
                    date_maturity, analytic_distribution, debit, credit, balance, amount_currency, tax_base_amount,
                    amount_residual, amount_residual_currency, price_subtotal, price_total, quantity, price_unit,
                    discount, tax_tag_invert, reconciled, blocked, create_date, write_date)
                SELECT g, m, CASE WHEN bill THEN 2 ELSE 1 END, 1, 1, 10 + l, acc, 1, p,
                    CASE WHEN l = 0 AND m % 100 = 7 THEN 1 END,
                    CASE WHEN l = 0 AND m % 20 = 1 THEN 1 + m % 5 END,
                    CASE WHEN l = 0 AND m % 33 = 2 THEN 1 + m % 4 END,
                    CASE WHEN l = 0 AND m % 33 = 2 THEN 1 + m % 2 END,
                    CASE WHEN l = 3 AND m % 50 = 0 THEN 4 END,
                    CASE WHEN l = 3 THEN CASE WHEN bill THEN 3 ELSE 1 END END,
                    CASE WHEN l = 3 THEN 1 END,
                    CASE WHEN l = 3 THEN CASE WHEN bill THEN 10 ELSE 2 END END,
                    CASE WHEN rec THEN m - m / 3 END, 100 + acc,
                    CASE WHEN l IN (1, 2) THEN prod END, CASE WHEN l IN (1, 2) THEN 1 END, 2, 2,
                    prefix || lpad(m::text, 7, '0'),
                    (ARRAY['550001','400000','440000','451000','700000','600000','411000','999999'])[acc],
                    'posted', 'REF' || m,
                    CASE l WHEN 0 THEN prefix || lpad(m::text, 7, '0') WHEN 3 THEN '21%'
                    ELSE '[PRD-' || lpad(prod::text, 4, '0') || '] ' || (ARRAY[{products}])[1 + prod % {nnames}]
                    || ' ' || substr(md5({k} || 'aml' || g), 1, 8) END,
                    CASE WHEN rec THEN (m - m / 3)::text END,
                    CASE l WHEN 0 THEN 'payment_term' WHEN 3 THEN 'tax' ELSE 'product' END, d, d,
                    CASE WHEN l = 0 THEN d + 30 END,
                    CASE WHEN l IN (1, 2) AND m % 3 = 0 THEN '{"1": 100.0}'::jsonb
                    WHEN l IN (1, 2) AND m % 6 = 1 THEN '{"2": 60.0, "3": 40.0}'::jsonb END,
                    greatest(bal, 0), greatest(-bal, 0), bal, bal, CASE WHEN l = 3 THEN a1 + a2 ELSE 0 END,
                    CASE WHEN l = 0 AND NOT rec THEN bal ELSE 0 END, CASE WHEN l = 0 AND NOT rec THEN bal ELSE 0 END,
                    abs(bal), CASE WHEN l IN (1, 2) THEN round(abs(bal) * 1.21, 2) ELSE abs(bal) END,
                    CASE WHEN l IN (1, 2) THEN qty ELSE 1 END,
                    CASE WHEN l IN (1, 2) THEN round(abs(bal) / qty, 2) ELSE 0 END,
                    0, false, rec, false, ts, ts
                FROM (SELECT g, m, l, bill, a1, a2, l = 0 AND m % 3 <> 0 AS rec,
                        1 + (m * 31 + l) % {nproducts} AS prod, 1 + g % 9 AS qty,
                        {first} + (m * 7919 + {salt}) % {pc} AS p,
                        CASE WHEN bill THEN 'BILL/' ELSE 'INV/' END || (2019 + m * 20 / {per}) || '/' AS prefix,
                        date '2019-01-01' + (m * 4 * 5 * 365 / {per})::int AS d,
                        timestamp '2019-01-01' + g * interval '7 seconds' AS ts,
                        CASE l WHEN 0 THEN CASE WHEN bill THEN 3 ELSE 2 END WHEN 3 THEN 4
                        ELSE CASE WHEN bill THEN 6 ELSE 5 END END AS acc,
                        (CASE WHEN bill THEN -1 ELSE 1 END) * CASE l WHEN 0 THEN a1 + a2 + round((a1 + a2) * 0.21, 2)
                        WHEN 1 THEN -a1 WHEN 2 THEN -a2 ELSE -round((a1 + a2) * 0.21, 2) END AS bal
                    FROM (SELECT g, (g - 1) / 4 + 1 AS m, ((g - 1) % 4)::int AS l, ((g - 1) / 4 + 1) % 5 = 4 AS bill
                        FROM generate_series(1::bigint, {rows}) g) z,
                    LATERAL (SELECT {amounts}) a) x""", "per", per, "rows", rows, "amounts", amounts));
    }

    /** Receipts, deliveries and internal transfers of four moves each. */
    private static void stock(Statement s, Sql q, long stockMoves, long pickings, long orders, long saleLines)
            throws SQLException {
        // picking p: kind p % 3 (0 receipt from vendors, 1 delivery to customers, 2 internal), state by p % 10
        String kind = "CASE p % 3 WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 3 END";
        s.execute(q.fill("""
                INSERT INTO stock_picking (id, group_id, location_id, location_dest_id, picking_type_id, partner_id,
                    company_id, user_id, sale_id, create_uid, write_uid, name, origin, move_type, state, priority,
                    note, has_deadline_issue, printed, is_locked, scheduled_date, date, date_done, create_date,
                    write_date)
                SELECT p, CASE WHEN t = 2 THEN 1 + p % 5 END, (ARRAY[4, 2, 2])[t], (ARRAY[2, 5, 3])[t], t,
                    CASE WHEN t < 3 THEN {first} + (p * 7919 + {salt}) % {pc} END, 1, 2,
                    CASE WHEN t = 2 THEN 1 + p % {orders} END, 2, 2,
                    'WH/' || (ARRAY['IN', 'OUT', 'INT'])[t] || '/' || lpad(p::text, 6, '0'),
                    CASE t WHEN 1 THEN 'P' || lpad((p % 99999)::text, 5, '0')
                    WHEN 2 THEN 'S' || lpad((1 + p % {orders})::text, 6, '0') END, 'direct', st,
                    CASE WHEN p % 17 = 0 THEN '1' ELSE '0' END, null, false, st = 'done', true, ts, ts,
                    CASE WHEN st = 'done' THEN ts + interval '1 day' END, ts, ts
                FROM (SELECT p, {kind} AS t,
                        CASE WHEN p % 10 < 8 THEN 'done' WHEN p % 10 = 8 THEN 'assigned' ELSE 'cancel' END AS st,
                        timestamp '2019-01-01' + p * interval '140 seconds' AS ts
                    FROM generate_series(1::bigint, {pickings}) p) x""", "orders", orders, "pickings", pickings, "kind", kind));
        s.execute(q.fill("""
                INSERT INTO stock_move (id, sequence, company_id, product_id, product_uom, location_id,
                    location_dest_id, partner_id, picking_id, scrap_id, group_id, rule_id, picking_type_id,
                    origin_returned_move_id, restrict_partner_id, warehouse_id, package_level_id, orderpoint_id,
                    product_packaging_id, sale_line_id, create_uid, write_uid, name, priority, state, origin,
                    procure_method, reference, reservation_date, product_qty, product_uom_qty, quantity, picked,
                    scrapped, propagate_cancel, is_inventory, additional, date, date_deadline, create_date,
                    write_date, price_unit)
                SELECT g, 10, 1, prod, 1, (ARRAY[4, 2, 2])[t], (ARRAY[2, 5, 3])[t],
                    CASE WHEN t = 2 THEN partner END, p, null, CASE WHEN t = 2 THEN 1 + p % 5 END,
                    CASE t WHEN 1 THEN 2 WHEN 2 THEN 1 END, t, CASE WHEN g % 50 = 0 THEN g - 1 END,
                    CASE WHEN g % 200 = 0 THEN partner END, CASE WHEN t = 2 THEN 1 END, null,
                    CASE WHEN t = 1 AND g % 20 = 0 THEN 1 + g % 3 END, CASE WHEN g % 40 = 0 THEN 1 + g % 2 END,
                    CASE WHEN t = 2 AND {lines} > 0 THEN 1 + (g * 7) % greatest({lines}, 1) END, 2, 2,
                    '[PRD-' || lpad(prod::text, 4, '0') || '] ' || (ARRAY[{products}])[1 + prod % {nnames}], '0',
                    st, CASE t WHEN 1 THEN 'P' || lpad((p % 99999)::text, 5, '0')
                    WHEN 2 THEN 'S' || lpad((1 + p % {orders})::text, 6, '0') END, 'make_to_stock',
                    'WH/' || (ARRAY['IN', 'OUT', 'INT'])[t] || '/' || lpad(p::text, 6, '0'),
                    CASE WHEN st <> 'done' THEN ts::date END, qty, qty, CASE WHEN st = 'cancel' THEN 0 ELSE qty END,
                    st = 'done', false, true, false, false, ts, CASE WHEN t = 2 THEN ts + interval '3 days' END, ts,
                    ts, round(((prod * 7907 + {salt}) % 100000) / 100.0, 2)
                FROM (SELECT g, p, {kind} AS t, 1 + (g * 37 + {salt}) % {nproducts} AS prod,
                        1 + g % 20 AS qty, {first} + (p * 7919 + {salt}) % {pc} AS partner,
                        CASE WHEN p % 10 < 8 THEN 'done' WHEN p % 10 = 8 THEN 'assigned' ELSE 'cancel' END AS st,
                        timestamp '2019-01-01' + p * interval '140 seconds' AS ts
                    FROM (SELECT g, 1 + (g - 1) / 4 AS p FROM generate_series(1::bigint, {moves}) g) y) x""", "orders", orders, "lines", saleLines, "moves", stockMoves, "kind", kind));
    }

    /**
     * Messages on a quarter as many documents (sale orders, invoices, partners, transfers); every
     * message but the first of its document replies to that first one, as Odoo threads them.
     */
    private static void mail(
            Statement s, Sql q, long rows, long messages, long trackings, long orders, long moves, long pickings)
            throws SQLException {
        s.execute(q.fill(
                """
                CREATE TEMP TABLE lb_paragraph ON COMMIT DROP AS
                SELECT i AS id, CASE i % 10
                    WHEN 0 THEN '<ul><li>' || replace(t, '. ', '.</li><li>') || '</li></ul>'
                    WHEN 1 THEN '<p><strong>' || split_part(t, ' ', 1) || ' ' || split_part(t, ' ', 2)
                        || '</strong> ' || t || '</p>'
                    WHEN 2 THEN '<p>' || t || ' <a href="https://www.example.com/documents/' || substr(md5({k} || i), 1, 12)
                        || '" target="_blank">' || split_part(t, ' ', 3) || '</a></p>'
                    WHEN 3 THEN '<p style="margin:0px 0 12px 0;box-sizing:border-box;">' || t || '</p>'
                    ELSE '<p>' || t || '</p>' END AS html
                FROM (SELECT i, initcap(left(string_agg(tok, ' ' ORDER BY j), 1))
                        || substr(string_agg(tok, ' ' ORDER BY j), 2) || '.' AS t
                    FROM (SELECT i, j, CASE WHEN h % 19 = 0 THEN (h / 19 % 100000)::text
                            WHEN h % 31 = 0 THEN to_char((h / 31 % 10000000) / 100.0, 'FM9999990.00') || ' €'
                            WHEN h % 37 = 0 THEN 'S' || lpad((h / 37 % 100000)::text, 6, '0')
                            ELSE w[1 + h % array_length(w, 1)] END
                            || CASE WHEN h % 13 = 0 THEN '.' WHEN h % 7 = 0 THEN ',' ELSE '' END AS tok
                        FROM generate_series(1, {paragraphs}) i
                        CROSS JOIN LATERAL generate_series(1, 6 + {hn} % 70) j
                        CROSS JOIN LATERAL (SELECT {hw} AS h) x
                        CROSS JOIN (SELECT ARRAY[{words}] AS w) v) t
                    GROUP BY i) p""",
                "paragraphs",
                PARAGRAPHS,
                "words",
                words(),
                "hn",
                q.hash("'n' || i"),
                "hw",
                q.hash("'w' || i || ':' || j")));
        s.execute("ALTER TABLE lb_paragraph ADD PRIMARY KEY (id)");
        s.execute("ANALYZE lb_paragraph");
        long docs = Math.max(1, messages / 4);
        // message g is on document d = 1 + (g - 1) % docs; every fourth message is a tracking
        // notification, the others notes, discussions, incoming emails (some quoting a whole thread)
        // and templated messages, by v
        String paragraphs = "(SELECT string_agg(p.html, '' ORDER BY j) FROM generate_series(1, %s) j"
                + " JOIN lb_paragraph p ON p.id = 1 + " + q.hash("'p' || g || ':' || j") + " %% " + PARAGRAPHS + ")";
        String quoted = "(SELECT string_agg(p.html, '' ORDER BY j) FROM generate_series(1, nq) j"
                + " JOIN lb_paragraph p ON p.id = 1 + " + q.hash("'q' || g || ':' || j") + " % " + PARAGRAPHS + ")";
        s.execute(q.fill(
                """
                INSERT INTO mail_message (id, parent_id, res_id, record_alias_domain_id, record_company_id,
                    subtype_id, mail_activity_type_id, author_id, author_guest_id, mail_server_id, create_uid,
                    write_uid, subject, model, record_name, message_type, email_from, message_id, reply_to,
                    email_layout_xmlid, body, is_internal, reply_to_force_new, email_add_signature, date, pinned_at,
                    create_date, write_date)
                SELECT g, CASE WHEN g > {docs} AND kind <> 'tracking' THEN d END, res_id,
                    CASE WHEN kind = 'email' THEN 1 END, 1,
                    CASE kind WHEN 'tracking' THEN CASE model WHEN 'sale.order' THEN 4 WHEN 'account.move' THEN 5
                        ELSE 6 END WHEN 'note' THEN 2 ELSE 1 END,
                    CASE WHEN kind = 'note' AND h % 10 = 0 THEN 1 + h % 5 END,
                    CASE WHEN kind = 'email' THEN partner ELSE 3 END, null,
                    CASE WHEN kind IN ('comment', 'template') THEN 1 END, 2, 2,
                    CASE WHEN kind IN ('email', 'template') THEN 'Re: ' || record_name END, model, record_name,
                    CASE kind WHEN 'tracking' THEN 'notification' WHEN 'email' THEN 'email'
                        WHEN 'template' THEN 'auto_comment' ELSE 'comment' END,
                    CASE WHEN kind = 'email' THEN '"Partner ' || partner || '" <partner' || partner || '@example.com>'
                        ELSE '"Mitchell Admin" <admin@yourcompany.example.com>' END,
                    '<' || substr(md5({k} || 'mid' || g), 1, 20) || '-openerp-' || res_id || '-' || model
                        || '@example.com>',
                    CASE WHEN kind <> 'tracking' THEN '"My Company" <catchall@example.com>' END,
                    CASE WHEN kind IN ('comment', 'template') THEN 'mail.mail_notification_layout' END,
                    CASE WHEN kind = 'tracking' THEN '' ELSE
                        '<div><p>' || CASE WHEN kind = 'note' THEN 'Note on ' || record_name
                            ELSE 'Hello Partner ' || partner || ',' END || '</p>'
                        || {paragraphs}
                        || '<p>Best regards,<br>' || CASE WHEN kind = 'email' THEN 'Partner ' || partner
                            ELSE 'Mitchell Admin<br>My Company<br>+32 2 290 34 90' END
                        || '<br><span style="color:#888">Ref. ' || substr(md5({k} || 'mm' || g), 1, 16)
                        || '</span></p>'
                        || CASE WHEN nq > 0 THEN '<div class="gmail_quote"><p>On '
                            || to_char(ts - interval '2 days', 'Dy, Mon DD, YYYY at HH24:MI') || ', My Company'
                            || ' &lt;catchall@example.com&gt; wrote:</p><blockquote class="gmail_quote"'
                            || ' style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">'
                            || {quoted} || '</blockquote></div>' ELSE '' END
                        || '</div>' END,
                    kind IN ('note', 'tracking'), false, true, ts, CASE WHEN g % 500 = 0 THEN ts END, ts, ts
                FROM (SELECT g, d, h, kind, model, res_id, partner, ts,
                        CASE model WHEN 'sale.order' THEN 'S' || lpad(res_id::text, 6, '0')
                            WHEN 'account.move' THEN 'INV/' || lpad(res_id::text, 7, '0')
                            WHEN 'stock.picking' THEN 'WH/OUT/' || lpad(res_id::text, 6, '0')
                            ELSE 'Partner ' || res_id END AS record_name,
                        CASE kind WHEN 'note' THEN 1 + u % 2 + CASE WHEN u < 40 THEN 5 ELSE 0 END
                            WHEN 'comment' THEN 1 + u % 5 + CASE WHEN u < 100 THEN 6 ELSE 0 END
                            WHEN 'email' THEN 2 + u % 5 + CASE WHEN u < 300 THEN 6 + u % 10 ELSE 0 END
                            WHEN 'template' THEN 5 + u % 8 ELSE 0 END AS np,
                        CASE WHEN kind = 'email' AND u < 60 THEN 30 + u + u % 21 ELSE 0 END AS nq
                    FROM (SELECT g, d, h, u, CASE WHEN g % 4 = 0 THEN 'tracking' WHEN h % 100 < 30 THEN 'note'
                                WHEN h % 100 < 55 THEN 'comment' WHEN h % 100 < 90 THEN 'email' ELSE 'template' END AS kind,
                            CASE WHEN d % 10 < 4 THEN 'sale.order' WHEN d % 10 < 7 THEN 'account.move'
                                WHEN d % 10 = 7 OR {pickings} = 0 THEN 'res.partner' ELSE 'stock.picking' END AS model,
                            CASE WHEN d % 10 < 4 THEN 1 + d % {orders} WHEN d % 10 < 7 THEN 1 + d % {moves}
                                WHEN d % 10 = 7 OR {pickings} = 0 THEN {first} + d % {pc}
                                ELSE 1 + d % greatest({pickings}, 1) END AS res_id,
                            {first} + (d * 7919 + {salt}) % {pc} AS partner,
                            timestamp '2019-01-01' + g * interval '29 seconds' AS ts
                        FROM (SELECT g, 1 + (g - 1) % {docs} AS d, h, h / 100 % 1000 AS u
                            FROM generate_series(1::bigint, {messages}) g,
                            LATERAL (SELECT {hmk} AS h) hh) y) z) x""",
                "docs",
                docs,
                "orders",
                orders,
                "moves",
                Math.max(1, moves),
                "pickings",
                pickings,
                "messages",
                messages,
                "paragraphs",
                paragraphs.formatted("np"),
                "quoted",
                quoted,
                "hmk",
                q.hash("'mk' || g")));
        // tracking values: four per tracking notification; the field's kind (id % 6) decides the columns
        s.execute(
                q.fill("""
                INSERT INTO mail_tracking_value (id, field_id, old_value_integer, new_value_integer, currency_id,
                    mail_message_id, create_uid, write_uid, old_value_char, new_value_char, field_info,
                    old_value_text, new_value_text, old_value_datetime, new_value_datetime, create_date, write_date,
                    old_value_float, new_value_float)
                SELECT t, f, CASE WHEN f % 6 = 2 THEN {first} + h % {pc} END,
                    CASE WHEN f % 6 = 2 THEN {first} + (h / 7) % {pc} END, CASE WHEN f % 6 = 3 THEN 1 END, m, 2, 2,
                    CASE f % 6 WHEN 1 THEN (ARRAY['Quotation','Quotation Sent','Sales Order','Locked','Cancelled',
                        'Draft','Posted','Ready','Done'])[1 + h % 9]
                        WHEN 2 THEN 'Partner ' || ({first} + h % {pc})
                        WHEN 5 THEN 'REF-' || substr(md5({k} || 'tv' || t), 1, 8) END,
                    CASE f % 6 WHEN 1 THEN (ARRAY['Quotation Sent','Sales Order','Locked','Cancelled','Posted',
                        'Ready','Done'])[1 + (h / 9) % 7]
                        WHEN 2 THEN 'Partner ' || ({first} + (h / 7) % {pc})
                        WHEN 5 THEN 'REF-' || substr(md5({k} || 'tw' || t), 1, 8) END,
                    null, null, null,
                    CASE WHEN f % 6 = 4 THEN ts - (h % 30) * interval '1 day' END,
                    CASE WHEN f % 6 = 4 THEN ts + (h % 20) * interval '1 day' END, ts, ts,
                    CASE WHEN f % 6 IN (3, 0) THEN round(((h % 10000000) / 100.0)::numeric, 2) END,
                    CASE WHEN f % 6 IN (3, 0) THEN round((((h / 3) % 10000000) / 100.0)::numeric, 2) END
                FROM (SELECT t, m, h, 1 + h % 24 AS f, timestamp '2019-01-01' + m * interval '29 seconds' AS ts
                    FROM (SELECT t, 4 * (1 + ((t - 1) / 4) % {tracked}) AS m FROM generate_series(1::bigint, {trackings}) t) y,
                    LATERAL (SELECT {htv} AS h) hh) x""", "tracked", Math.max(1, messages / 4), "trackings", trackings, "htv", q.hash("'tv' || t")));
    }

    private static String words() {
        String text = "invoice order customer vendor payment amount total tax price quantity product service delivery"
                + " address street city country partner company account journal entry line date due balance credit"
                + " debit reconcile posted draft confirmed cancelled currency discount unit hour day week month year"
                + " report summary note description reference number contact email phone website manager employee"
                + " department project task stage team sales purchase stock warehouse location lot serial picking"
                + " receipt shipment carrier weight volume package pallet bank statement transfer fee fiscal position"
                + " analytic budget asset depreciation expense refund quotation contract subscription renewal lead"
                + " opportunity please find attached the a an of to for with from on in at by and or but not as"
                + " is are was were be been will would could should can may might must we you they it this that"
                + " these those our your their my me us them here there today tomorrow yesterday soon already"
                + " again still only also just very quite really thanks thank regards kind hello dear hi best"
                + " sincerely meeting call agenda follow up next steps question answer issue problem solution update"
                + " version release deadline schedule planning forecast estimate confirm approve reject review check"
                + " send receive ship deliver pay charge bill credit-note backorder return replacement warranty"
                + " installation maintenance support ticket request offer proposal margin cost revenue profit loss"
                + " draft-invoice purchase-order sales-order packing-list customs incoterm freight insurance Brussels"
                + " Paris Berlin Amsterdam Madrid Antwerp Lyon Munich Rotterdam Barcelona Liège Gent Köln Zürich"
                + " Genève Málaga São Paulo Montréal façade résumé déjà-vu naïve coöperation Übersicht Grüße Straße"
                + " Bestellung Rechnung Lieferung facture commande livraison paiement pedido factura entrega pago";
        StringBuilder b = new StringBuilder();
        for (String w : text.split(" ")) {
            b.append(b.isEmpty() ? "" : ",").append('\'').append(w).append('\'');
        }
        return b.toString();
    }

    private static String products() {
        StringBuilder b = new StringBuilder();
        for (String p : PRODUCT_NAMES) {
            b.append(b.isEmpty() ? "" : ",").append('\'').append(p).append('\'');
        }
        return b.toString();
    }

    /** Placeholders shared by the statements: the seed, its salt and the partner range. */
    private static final class Sql {
        private final String k;
        private final String salt;
        private final String pc;

        Sql(long seed, long partners) {
            this.k = "'" + Long.toUnsignedString(seed) + "'";
            this.salt = Long.toString(Math.floorMod(seed, 1_000_003L));
            this.pc = Long.toString(partners - FIRST_PARTNER + 1);
        }

        /** A deterministic non-negative 31-bit hash of a text expression and the seed. */
        String hash(String expr) {
            return "(('x' || substr(md5(" + k + " || " + expr + "), 1, 8))::bit(32)::int & 2147483647)";
        }

        /** Replaces {name} placeholders: the given name, value pairs, then the common ones. */
        String fill(String sql, Object... pairs) {
            String out = sql;
            for (int i = 0; i < pairs.length; i += 2) {
                out = out.replace("{" + pairs[i] + "}", String.valueOf(pairs[i + 1]));
            }
            return out.replace("{k}", k)
                    .replace("{salt}", salt)
                    .replace("{pc}", pc)
                    .replace("{first}", Integer.toString(FIRST_PARTNER))
                    .replace("{products}", products())
                    .replace("{nproducts}", Integer.toString(PRODUCTS))
                    .replace("{nnames}", Integer.toString(PRODUCT_NAMES.length));
        }
    }
}
