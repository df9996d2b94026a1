-- The schema of the delivery log, the one place it is defined. Applied at every start-up by
-- DeliverySchema in one transaction. Every statement is idempotent, so it is safe on a new database,
-- on one created by an earlier version, and when replicas start together.
-- Status values are the text that DeliveryLogText maps DeliveryStatus to.

-- Replicas starting together would race on the catalog: one at a time.
select pg_advisory_xact_lock(hashtext('posops_notifications.schema'));

create schema if not exists posops_notifications;

-- One row per (integration event, receiver): the primary key is the dedupe key, and the row is also the retry queue.
create table if not exists posops_notifications.deliveries (
    alert_key text primary key,
    event_id uuid not null,
    incident_id uuid not null,
    kind text not null,
    channel text not null,
    status text not null,
    attempts int not null default 0,
    last_status_code int,
    last_latency_ms int,
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    delivered_at timestamptz,
    receiver text,
    route text,
    alert jsonb,
    next_attempt_at timestamptz,
    lease_until timestamptz,
    hold_reason text,
    digest_id uuid,
    recorded_at timestamptz,
    event_sequence bigint
);

-- Databases created by the first versions have the table without these columns (a no-op elsewhere).
alter table posops_notifications.deliveries
    add column if not exists receiver text,
    add column if not exists route text,
    add column if not exists alert jsonb,
    add column if not exists next_attempt_at timestamptz,
    add column if not exists lease_until timestamptz,
    add column if not exists hold_reason text,
    add column if not exists digest_id uuid,
    add column if not exists recorded_at timestamptz,
    add column if not exists event_sequence bigint;

create index if not exists deliveries_due on posops_notifications.deliveries (next_attempt_at) where status = 'pending';
create index if not exists deliveries_leased on posops_notifications.deliveries (lease_until) where status = 'sending';
create index if not exists deliveries_route on posops_notifications.deliveries (route, receiver, created_at);
create index if not exists deliveries_in_flight on posops_notifications.deliveries (incident_id, receiver, created_at) where status in ('pending', 'sending');
create index if not exists deliveries_storm on posops_notifications.deliveries (route) where status = 'storm';

-- Every try, whatever happened.
create table if not exists posops_notifications.attempts (
    id bigserial primary key,
    alert_key text not null,
    receiver text not null,
    channel text not null,
    outcome text not null,
    status_code int,
    latency_ms int not null,
    error text,
    at timestamptz not null default now()
);
create index if not exists attempts_alert on posops_notifications.attempts (alert_key);

-- Deliveries given up on, with the reason.
create table if not exists posops_notifications.dead_letters (
    alert_key text primary key,
    receiver text not null,
    channel text not null,
    reason text not null,
    alert jsonb not null,
    at timestamptz not null default now()
);

-- What the opening of an incident said, for routing its later transitions.
create table if not exists posops_notifications.incidents (
    incident_id uuid primary key,
    device_id text not null,
    store_id text not null,
    component text,
    fault_code text not null,
    severity text,
    region text,
    tags text[] not null default array[]::text[],
    held_back_by uuid,
    remembered_at timestamptz not null default now()
);
