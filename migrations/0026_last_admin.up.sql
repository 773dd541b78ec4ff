-- The last admin cannot be demoted (nor demote themselves): someone must always be able to
-- appoint staff. Checked here, under a lock on the admins' rows, so two admins demoting each
-- other at the same moment cannot both succeed, whichever path changes the role.
create function auth.keep_an_admin() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if old.role = 'admin' and new.role <> 'admin' then
        perform 1 from auth.users where role = 'admin' for update;
        if not exists (select 1 from auth.users where role = 'admin' and id <> old.id) then
            raise exception 'This is the last admin: make someone else an admin first.'
                using errcode = '22023';
        end if;
    end if;
    return new;
end
$$;
create trigger users_keep_an_admin before update of role on auth.users
    for each row execute function auth.keep_an_admin();
