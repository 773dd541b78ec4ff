//! Building blocks of the design system and the site chrome.

pub mod alert;
pub mod breathing_pause;
pub mod button;
pub mod card;
pub mod empty_state;
pub mod error_panel;
pub mod feed_list;
pub mod form;
pub mod form_guard;
pub mod form_page;
pub mod icon;
pub mod live_banner;
pub mod notification_bell;
pub mod notify_level_form;
pub mod oauth_buttons;
pub mod post_card;
pub mod reaction_bar;
pub mod reading_now;
pub mod reply_anonymously;
pub mod sign_in_prompt;
pub mod site_feed;
pub mod site_footer;
pub mod site_header;
pub mod skeleton;
pub mod text_area;
pub mod text_field;
