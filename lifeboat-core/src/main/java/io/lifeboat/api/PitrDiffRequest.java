package io.lifeboat.api;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;

/**
 * What {@code lifeboat pitr diff} compares and where it writes the plan.
 *
 * @param side the side copy
 * @param tables tables, as named
 * @param models Odoo models: each brings its table, relation tables and its attachments and messages
 * @param deleteExtra tables whose rows only production has are deleted by the repair
 * @param windowColumn the column of the incident window (Odoo's {@code write_date})
 * @param windowFrom start of the incident window (UTC), or null for none
 * @param windowTo end of the incident window (UTC), or null for none
 * @param rowsPerRange rows per hashed key range
 * @param plan where to write the plan (must not exist)
 * @param sql where to write the SQL script (must not exist), or null
 */
public record PitrDiffRequest(
        PitrSide side,
        List<String> tables,
        List<String> models,
        Set<String> deleteExtra,
        String windowColumn,
        LocalDateTime windowFrom,
        LocalDateTime windowTo,
        int rowsPerRange,
        Path plan,
        Path sql) {}
