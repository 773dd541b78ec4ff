-- Post search used no index for members and visitors. Under Row Level Security, PostgreSQL
-- applies the policy's quals before any qual of the query that is not LEAKPROOF, and `@@`
-- (ts_match_vq) is not: so `search @@ query` could not drive posts_search_idx and every
-- search read all 200,000 posts (a sequential scan, or the newest-first index filtered row
-- by row), about 130 ms per query on the benchmark's data set.
--
-- The steward finds the newest matching ids with the GIN index, only in circles the caller
-- may read (the same `readable_circle_ids()` the posts policy asks); the service then reads
-- those posts through RLS as usual, so nothing outside the policy is ever returned.
create or replace function app.search_post_ids(p_query tsquery, p_limit integer)
    returns setof bigint
    language sql stable security definer
    set search_path = ''
as $$
    select p.id from app.posts p
     where p.search @@ p_query and p.deleted_at is null
       and p.circle_id = any ((select app.readable_circle_ids())::bigint[])
     order by p.created_at desc
     limit least(greatest(p_limit, 0), 1000)
$$;

alter function app.search_post_ids(tsquery, integer) owner to community_steward;
revoke execute on function app.search_post_ids(tsquery, integer) from public;
grant execute on function app.search_post_ids(tsquery, integer) to anon, authenticated;
