-- Bios are rendered from Markdown when a profile is read (a bio is short, and mentions in it
-- then always point at handles that exist now), so `bio_html` was written only by the demo
-- seed and read by nothing. Members could still write to it: a dead column holding
-- unsanitised HTML is a trap for the next reader, so it goes.
alter table app.profiles drop column bio_html;
