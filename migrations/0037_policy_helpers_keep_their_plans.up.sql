-- The helpers every Row Level Security policy asks (who is staff, which circles the caller
-- reads, has joined or moderates), rewritten in PL/pgSQL with the same bodies. As SQL
-- functions that cannot be inlined (SECURITY DEFINER, or a SET search_path), PostgreSQL 15
-- parses and plans their bodies afresh in every statement that calls them, and a page's
-- statement calls them once per policy of every table it joins: a fifth of the database's
-- time under load was spent there (perf, bench/moderation.sh). PL/pgSQL keeps each body's
-- plan for the connection's life. Same results, owners, grants and attributes.
set local lock_timeout = '5s';
set local statement_timeout = '30s';

create or replace function app.is_site_staff() returns boolean
    language plpgsql stable
    set search_path to ''
as $$
begin
    return coalesce(auth.jwt() ->> 'app_role', '') in ('moderator', 'admin');
end
$$;

create or replace function app.is_site_admin() returns boolean
    language plpgsql stable
    set search_path to ''
as $$
begin
    return coalesce(auth.jwt() ->> 'app_role', '') = 'admin';
end
$$;

create or replace function app.readable_circle_ids() returns bigint[]
    language plpgsql stable security definer
    set search_path to ''
as $$
begin
    return (select coalesce(array_agg(c.id), '{}')
              from app.circles c
             where c.visibility = 'public'
                or (c.visibility = 'members' and auth.uid() is not null)
                or app.is_site_staff()
                or exists (select 1 from app.circle_members m
                            where m.circle_id = c.id and m.user_id = auth.uid() and m.status = 'active'));
end
$$;

create or replace function app.joined_circle_ids() returns bigint[]
    language plpgsql stable security definer
    set search_path to ''
as $$
begin
    return (select coalesce(array_agg(m.circle_id), '{}')
              from app.circle_members m
             where m.user_id = auth.uid() and m.status = 'active');
end
$$;

create or replace function app.moderated_circle_ids() returns bigint[]
    language plpgsql stable security definer
    set search_path to ''
as $$
begin
    return (select coalesce(array_agg(c.id), '{}')
              from app.circles c
             where app.is_site_staff()
                or (coalesce(auth.jwt() ->> 'aal', '') = 'aal2'
                    and exists (select 1 from app.circle_members m
                                 where m.circle_id = c.id and m.user_id = auth.uid()
                                   and m.status = 'active' and m.role = 'moderator')));
end
$$;
