-- Dashboard sessions and restore drills.
-- A session stands for the API token its user signed in with: the token's revocation or expiry ends it.
-- The catalog keeps only the SHA-256 of the session id, like tokens.
create table sessions (
    id_hash text primary key,
    token_hash text not null,
    user_id text not null references users(id),
    csrf text not null,
    created_at bigint not null,
    expires_at bigint not null
);
create index sessions_token on sessions (token_hash);
-- A drill restores a backup into a scratch database, verifies it, measures RTO and RPO, and removes it.
-- status: pending, running, passed, failed; result is the core's drill result as JSON.
create table drills (
    id text primary key,
    environment_id text not null references environments(id),
    project_id text not null,
    backup_id text,
    server_name text not null,
    trigger_type text not null,
    status text not null,
    step text,
    requested_by text not null,
    created_at bigint not null,
    started_at bigint,
    completed_at bigint,
    rto_ms bigint,
    rpo_ms bigint,
    scratch_database text,
    error_message text,
    result text
);
create index drills_environment on drills (environment_id, created_at);
-- Drill schedules live with the backup schedules; a null drill_cron means the default for the environment's
-- type (daily for production, weekly for the others).
alter table schedules add column drill_cron text;
alter table schedules add column drills_enabled integer not null default 1;
alter table schedules add column last_drill_at bigint;
alter table schedules add column drill_missed_at bigint;
-- the server drills run on (it must configure the environment's instance); null: the environment's own
alter table schedules add column drill_server text;
