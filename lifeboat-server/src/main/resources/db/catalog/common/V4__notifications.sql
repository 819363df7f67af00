-- Notifications: an outbox of deliveries, one per alert and channel, sent by the workers' dispatchers.
-- A dispatcher claims a due delivery with a conditional update that sets a lease (lease_until), so that
-- with several workers on one catalog each delivery is sent by one of them; a worker that stops mid-send
-- leaves a lease that expires, and the delivery is sent again then.
create table notification_deliveries (
    id text primary key,
    type text not null,
    channel text not null,
    target text not null,
    payload text not null,
    status text not null,
    attempts integer not null default 0,
    next_attempt_at bigint not null,
    lease_until bigint,
    leased_by text,
    last_error text,
    created_at bigint not null,
    delivered_at bigint
);
create index notification_deliveries_due on notification_deliveries (status, next_attempt_at);
-- Overdue backups: the newest good backup (or the environment's creation) an alert was raised for, so that
-- one lapse raises one alert, and a good backup followed by a new lapse raises another.
create table overdue_alerts (
    environment_id text primary key,
    since bigint not null,
    alerted_at bigint not null
);
