drop table if exists app.staff_notes;
