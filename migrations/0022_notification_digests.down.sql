drop table if exists app.notification_digests;
drop function if exists app.digest_schedule();
drop function if exists app.digest_period(text);
alter table app.outbox_emails drop column if exists list_unsubscribe;
