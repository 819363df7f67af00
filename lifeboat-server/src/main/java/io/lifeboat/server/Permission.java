package io.lifeboat.server;

/** What a role allows, named as in the API documentation. */
public enum Permission {
    BACKUPS_VIEW("project.backups.view"),
    BACKUPS_CREATE("project.backups.create"),
    BACKUPS_RESTORE("project.backups.restore"),
    ENVIRONMENTS_CREATE("project.environments.create"),
    SERVERS_VIEW("org.servers.view");

    private final String id;

    Permission(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
