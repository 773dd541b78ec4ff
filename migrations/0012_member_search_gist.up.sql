-- Member search (`handle % q or display_name % q or handle like 'q%'`) had the GIN trigram
-- indexes from 0005, and PostgreSQL preferred a sequential scan over them: about 13 ms per
-- search on 5,000 members, the largest part of a search request after the posts. A GIN scan
-- for `%` walks the posting list of every trigram in the query (common ones such as "ing"
-- cover most names) before rechecking; a GiST index keeps a signature per row and answered
-- the same query in about 1.2 ms, and serves the prefix `like` as well. The names stay, so
-- 0005's down migration still drops them.
drop index app.profiles_handle_trgm_idx;
drop index app.profiles_display_name_trgm_idx;
create index profiles_handle_trgm_idx on app.profiles using gist (handle gist_trgm_ops);
create index profiles_display_name_trgm_idx on app.profiles using gist (display_name gist_trgm_ops);
