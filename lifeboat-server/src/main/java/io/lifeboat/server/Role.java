package io.lifeboat.server;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The roles a user may hold, each bound to a scope: everything, one organization or one project. */
public enum Role {
    PORTAL_ADMIN(EnumSet.allOf(Permission.class), true),
    ORG_OWNER(EnumSet.allOf(Permission.class), true),
    ORG_ADMIN(EnumSet.allOf(Permission.class), true),
    PROJECT_ADMIN(
            EnumSet.of(
                    Permission.BACKUPS_VIEW,
                    Permission.BACKUPS_CREATE,
                    Permission.BACKUPS_RESTORE,
                    Permission.ENVIRONMENTS_CREATE),
            true),
    /** Backs up and restores, but restores only into environments that are not production. */
    PROJECT_MEMBER(EnumSet.of(Permission.BACKUPS_VIEW, Permission.BACKUPS_CREATE, Permission.BACKUPS_RESTORE), false),
    VIEWER(EnumSet.of(Permission.BACKUPS_VIEW), false);

    private final Set<Permission> permissions;
    private final boolean restoresProduction;

    Role(Set<Permission> permissions, boolean restoresProduction) {
        this.permissions = permissions;
        this.restoresProduction = restoresProduction;
    }

    public boolean grants(Permission p) {
        return permissions.contains(p);
    }

    public boolean restoresProduction() {
        return restoresProduction;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiError.badRequest("unknown role '" + s + "'; roles: portal_admin, org_owner, org_admin,"
                    + " project_admin, project_member, viewer");
        }
    }

    /** The scope a role is bound to. */
    public String scopeType() {
        return switch (this) {
            case PORTAL_ADMIN -> "global";
            case ORG_OWNER, ORG_ADMIN -> "org";
            case PROJECT_ADMIN, PROJECT_MEMBER -> "project";
            case VIEWER -> "org or project";
        };
    }
}
