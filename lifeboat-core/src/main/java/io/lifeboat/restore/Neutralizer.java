package io.lifeboat.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a restored Odoo database safe to run beside production: nothing it does may reach the outside
 * world. Lifeboat's own neutralization for Odoo 16, 17 and 18, documented in docs/restore.md; each step
 * applies only when its table and columns exist, so one list serves every version and module set.
 * Runs in the caller's transaction.
 */
public final class Neutralizer {

    /** One neutralization step: applies when every {@code table.column} in {@code requires} exists. */
    record Step(String description, List<String> requires, String sql) {}

    static final List<Step> STEPS = List.of(
            new Step(
                    "outgoing mail servers deactivated",
                    List.of("ir_mail_server.active"),
                    "UPDATE ir_mail_server SET active = false"),
            new Step(
                    "dummy outgoing mail server added so a fallback SMTP server from the configuration is never used",
                    List.of(
                            "ir_mail_server.smtp_host",
                            "ir_mail_server.smtp_port",
                            "ir_mail_server.smtp_encryption",
                            "ir_mail_server.smtp_authentication"),
                    "INSERT INTO ir_mail_server(name, smtp_port, smtp_host, smtp_encryption, active,"
                            + " smtp_authentication, sequence) VALUES ('neutralization - disable emails', 1025,"
                            + " 'invalid', 'none', true, 'login', 1)"),
            new Step(
                    "scheduled actions deactivated (except base.autovacuum_job)",
                    List.of("ir_cron.active", "ir_model_data.res_id"),
                    "UPDATE ir_cron SET active = false WHERE id NOT IN (SELECT res_id FROM ir_model_data"
                            + " WHERE model = 'ir.cron' AND module = 'base' AND name = 'autovacuum_job')"),
            new Step(
                    "incoming mail servers deactivated",
                    List.of("fetchmail_server.active"),
                    "UPDATE fetchmail_server SET active = false"),
            new Step(
                    "server-action webhooks disabled",
                    List.of("ir_act_server.webhook_url", "ir_act_server.state"),
                    "UPDATE ir_act_server SET webhook_url = 'neutralization - disable webhook' WHERE state = 'webhook'"),
            new Step(
                    "payment providers disabled",
                    List.of("payment_provider.state"),
                    "UPDATE payment_provider SET state = 'disabled' WHERE state NOT IN ('test', 'disabled')"),
            new Step(
                    "shipping carriers switched to test mode",
                    List.of("delivery_carrier.prod_environment", "delivery_carrier.active"),
                    "UPDATE delivery_carrier SET prod_environment = false, active = false"
                            + " WHERE delivery_type NOT IN ('fixed', 'base_on_rule')"),
            new Step(
                    "IAP account tokens disabled",
                    List.of("iap_account.account_token"),
                    "UPDATE iap_account SET account_token = REGEXP_REPLACE(account_token, '(\\+.*)?$', '+disabled')"),
            new Step("website domains cleared", List.of("website.domain"), "UPDATE website SET domain = NULL"),
            new Step(
                    "OAuth tokens of mail servers removed",
                    List.of("ir_mail_server.google_gmail_refresh_token"),
                    "UPDATE ir_mail_server SET google_gmail_refresh_token = NULL, google_gmail_access_token = NULL"),
            new Step(
                    "OAuth tokens of outgoing Outlook servers removed",
                    List.of("ir_mail_server.microsoft_outlook_refresh_token"),
                    "UPDATE ir_mail_server SET microsoft_outlook_refresh_token = NULL,"
                            + " microsoft_outlook_access_token = NULL"),
            new Step(
                    "database marked as neutralized (database.is_neutralized)",
                    List.of("ir_config_parameter.key"),
                    "INSERT INTO ir_config_parameter (key, value, create_date, write_date)"
                            + " VALUES ('database.is_neutralized', 'true', now() at time zone 'UTC', now() at time zone 'UTC')"
                            + " ON CONFLICT (key) DO UPDATE SET value = 'true'"));

    private Neutralizer() {}

    /** Applies every step whose tables exist and returns the descriptions of the steps applied. */
    public static List<String> apply(Connection conn) throws SQLException {
        List<String> applied = new ArrayList<>();
        for (Step step : STEPS) {
            if (!columnsExist(conn, step.requires())) continue;
            try (Statement st = conn.createStatement()) {
                st.executeUpdate(step.sql());
            }
            applied.add(step.description());
        }
        return applied;
    }

    static boolean columnsExist(Connection conn, List<String> columns) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? AND column_name = ?")) {
            for (String tc : columns) {
                int dot = tc.indexOf('.');
                ps.setString(1, tc.substring(0, dot));
                ps.setString(2, tc.substring(dot + 1));
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) return false;
                }
            }
        }
        return true;
    }
}
