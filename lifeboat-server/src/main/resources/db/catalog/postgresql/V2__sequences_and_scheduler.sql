-- PostgreSQL: the ordered tables and db-scheduler's table.
create table audit (
    seq bigserial primary key,
    at bigint not null,
    actor text not null,
    action text not null,
    target text not null,
    reason text,
    details text not null,
    prev_hash text not null,
    hash text not null
);
create table events (
    id bigserial primary key,
    at bigint not null,
    type text not null,
    project_id text,
    environment_id text,
    data text not null
);
create table scheduled_tasks (
    task_name text not null,
    task_instance text not null,
    task_data bytea,
    execution_time timestamp with time zone,
    picked boolean not null,
    picked_by text,
    last_success timestamp with time zone,
    last_failure timestamp with time zone,
    consecutive_failures int,
    last_heartbeat timestamp with time zone,
    version bigint not null,
    priority smallint,
    state text,
    primary key (task_name, task_instance)
);
create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
