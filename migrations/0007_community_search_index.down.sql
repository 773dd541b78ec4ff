drop function if exists app.search_post_ids(tsquery, integer);
