drop table if exists app.form_submissions;
