-- SQLite: the ordered tables and db-scheduler's table.
create table audit (
    seq integer primary key autoincrement,
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
    id integer primary key autoincrement,
    at bigint not null,
    type text not null,
    project_id text,
    environment_id text,
    data text not null
);
create table scheduled_tasks (
    task_name varchar(100) not null,
    task_instance varchar(100) not null,
    task_data blob,
    execution_time timestamp,
    picked bit not null,
    picked_by varchar(50),
    last_success timestamp,
    last_failure timestamp,
    consecutive_failures int,
    last_heartbeat timestamp,
    version bigint not null,
    priority smallint,
    state text,
    primary key (task_name, task_instance)
);
create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
