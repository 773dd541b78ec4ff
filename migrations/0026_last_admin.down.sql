drop trigger if exists users_keep_an_admin on auth.users;
drop function if exists auth.keep_an_admin();
