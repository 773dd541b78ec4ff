alter table app.profiles add column bio_html text not null default '';
grant update (bio_html) on app.profiles to authenticated;
