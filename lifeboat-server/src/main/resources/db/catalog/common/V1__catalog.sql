-- Tables shared by both catalog databases. Flags are integers (0/1), times are epoch milliseconds (UTC),
-- lists and results are JSON text. Identifiers are random UUID strings, except the audit and event
-- sequences, which need an order.
create table organizations (
    id text primary key,
    name text not null unique,
    created_at bigint not null
);
create table projects (
    id text primary key,
    org_id text not null references organizations(id),
    name text not null,
    require_approval integer not null default 0,
    created_at bigint not null,
    unique (org_id, name)
);
create table servers (
    name text primary key,
    started_at bigint not null,
    heartbeat_at bigint not null,
    free_disk bigint not null,
    cores integer not null,
    memory bigint not null,
    instances text not null,
    version text not null
);
create table environments (
    id text primary key,
    project_id text not null references projects(id),
    name text not null,
    type text not null,
    server_name text not null,
    instance text not null,
    database_name text not null,
    created_from_backup_id text,
    import_restored_at bigint,
    state text not null,
    created_at bigint not null,
    unique (project_id, name)
);
create table backups (
    id text primary key,
    environment_id text not null references environments(id),
    project_id text not null,
    type text not null,
    status text not null,
    requested_by text not null,
    server_name text not null,
    database_name text not null,
    created_at bigint not null,
    started_at bigint,
    completed_at bigint,
    size bigint,
    sha256 text,
    odoo_version text,
    pg_version text,
    modules text,
    files bigint,
    verified integer not null default 0,
    verified_at bigint,
    store_key text,
    error_message text,
    result text,
    cancel_requested integer not null default 0,
    deleted_at bigint
);
create index backups_environment on backups (environment_id, created_at);
create table restores (
    id text primary key,
    backup_id text not null references backups(id),
    target_environment_id text not null,
    target_environment_name text not null,
    project_id text not null,
    mode text not null,
    status text not null,
    step text,
    percent integer not null default 0,
    requested_by text not null,
    reason text,
    approved_by text,
    include_filestore integer not null,
    create_pre_restore_backup integer not null,
    pre_restore_backup_id text,
    is_new integer not null,
    cross_server integer not null,
    server_name text not null,
    created_at bigint not null,
    started_at bigint,
    completed_at bigint,
    duration_ms bigint,
    error_step text,
    error_message text,
    warnings text not null,
    result text,
    cancel_requested integer not null default 0
);
create table users (
    id text primary key,
    name text not null unique,
    created_at bigint not null
);
create table role_bindings (
    user_id text not null references users(id),
    role text not null,
    scope_type text not null,
    scope_id text not null,
    primary key (user_id, role, scope_type, scope_id)
);
create table tokens (
    id text primary key,
    user_id text not null references users(id),
    name text not null,
    token_hash text not null unique,
    created_at bigint not null,
    expires_at bigint,
    revoked_at bigint
);
create table schedules (
    environment_id text primary key references environments(id),
    backup_cron text not null,
    check_cron text,
    enabled integer not null,
    keep_last integer not null,
    keep_daily integer not null,
    keep_weekly integer not null,
    keep_monthly integer not null,
    keep_yearly integer not null,
    last_backup_at bigint,
    last_check_at bigint
);
create table check_results (
    environment_id text primary key references environments(id),
    checked_at bigint not null,
    missing bigint not null,
    corrupt bigint not null,
    orphans bigint not null,
    result text not null
);
