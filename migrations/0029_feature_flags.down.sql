drop table if exists app.feature_flags;
