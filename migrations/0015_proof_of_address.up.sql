-- A password chosen before its address was proven must not survive the owner's proof of
-- the address (issue 12, pre-registration takeover). A confirmation link keeps the password
-- only when it is opened in the browser that chose it: that browser holds a random value
-- (cookie `ws_confirm`) whose hash is stored with the link. Opened anywhere else, the link
-- still confirms the address, but the unproven password is cleared and every session ends.
alter table auth.one_time_tokens add column binding_hash bytea;
