package io.lifeboat.server;

import java.util.List;

/**
 * Who is calling: a user and the roles they hold. A binding applies to a project when it is global, bound
 * to the project's organization, or bound to the project itself.
 */
public record Principal(String userId, String name, List<Binding> bindings) {

    public record Binding(Role role, String scopeType, String scopeId) {
        boolean covers(String orgId, String projectId) {
            return switch (scopeType) {
                case "global" -> true;
                case "org" -> scopeId.equals(orgId);
                case "project" -> scopeId.equals(projectId);
                default -> false;
            };
        }
    }

    public Principal {
        bindings = List.copyOf(bindings);
    }

    public boolean portalAdmin() {
        return bindings.stream().anyMatch(b -> b.role() == Role.PORTAL_ADMIN);
    }

    /** Whether a permission is granted in a project (projectId null: anywhere in the organization). */
    public boolean can(Permission p, String orgId, String projectId) {
        return bindings.stream()
                .anyMatch(b -> b.covers(orgId, projectId) && b.role().grants(p));
    }

    /** Whether some role that grants restores there also allows restores into production. */
    public boolean canRestoreProduction(String orgId, String projectId) {
        return bindings.stream()
                .anyMatch(b -> b.covers(orgId, projectId)
                        && b.role().grants(Permission.BACKUPS_RESTORE)
                        && b.role().restoresProduction());
    }
}
