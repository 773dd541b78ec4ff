drop index app.profiles_handle_trgm_idx;
drop index app.profiles_display_name_trgm_idx;
create index profiles_handle_trgm_idx on app.profiles using gin (handle gin_trgm_ops);
create index profiles_display_name_trgm_idx on app.profiles using gin (display_name gin_trgm_ops);
