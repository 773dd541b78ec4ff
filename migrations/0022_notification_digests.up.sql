-- The email digest of unread notifications: off unless a member turns it on.
--
-- A member keeps one row here once they have chosen (no row: off). The digest job, running
-- as the identity service, finds the members who are due, reads each one's unread
-- notifications as that member (so Row Level Security decides what goes into the mail, as
-- it does for the notifications page), writes the mail to the outbox and moves the row's
-- schedule forward, all in one transaction: a digest is queued once or not at all.
-- The unsubscribe link in each mail is signed for this one purpose by the application; it
-- works without signing in, through the same service.

create table app.notification_digests (
    user_id uuid primary key references auth.users (id) on delete cascade,
    frequency text not null default 'off' check (frequency in ('off', 'daily', 'weekly')),
    -- Unread notifications last changed after this go into the next digest.
    covered_until timestamptz not null default now(),
    -- When the next digest is due; kept on its rhythm (daily at the same time), not moved
    -- by how late the job happened to run.
    next_due_at timestamptz,
    last_sent_at timestamptz,
    updated_at timestamptz not null default now()
);
create index notification_digests_due_idx on app.notification_digests (next_due_at)
    where frequency <> 'off';

-- How long a digest covers.
create function app.digest_period(p_frequency text) returns interval
    language sql immutable
    set search_path = ''
as $$
    select case p_frequency when 'daily' then interval '1 day'
                            when 'weekly' then interval '7 days' end
$$;

-- Members set only the frequency; the schedule follows from it here. Turning the digest on
-- starts it from now (no mail about old unread notifications); switching between daily and
-- weekly keeps what was already covered.
create function app.digest_schedule() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    new.updated_at := now();
    if tg_op = 'INSERT' or new.frequency is distinct from old.frequency then
        if new.frequency = 'off' then
            new.next_due_at := null;
        else
            if tg_op = 'INSERT' or old.frequency = 'off' then
                new.covered_until := now();
            end if;
            new.next_due_at := new.covered_until + app.digest_period(new.frequency);
        end if;
    end if;
    return new;
end
$$;
create trigger notification_digests_schedule before insert or update on app.notification_digests
    for each row execute function app.digest_schedule();

-- Mail that carries a one-click unsubscribe address (RFC 8058) for its List-Unsubscribe
-- header.
alter table app.outbox_emails add column list_unsubscribe text;

alter table app.notification_digests enable row level security, force row level security;

-- Members: their own choice only, and only how often (never when it is due or was sent).
grant select on app.notification_digests to authenticated;
grant insert (user_id, frequency), update (frequency) on app.notification_digests to authenticated;
create policy notification_digests_own on app.notification_digests to authenticated
    using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
-- The identity service sends the digests and honours signed unsubscribe links.
grant select, insert, update on app.notification_digests to auth_admin;
create policy notification_digests_service on app.notification_digests to auth_admin
    using (true) with check (true);
