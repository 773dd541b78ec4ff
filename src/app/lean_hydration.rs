//! A resource encoding for pages whose members' text is already in the HTML.
//!
//! A blocking resource is serialised into the page so the browser can hydrate without asking
//! again. For a post with 100 replies that meant every reply's rendered HTML went out twice:
//! once as markup and once, escaped, inside the hydration data. The browser never needs the
//! second copy: hydrating an element with `inner_html` adopts the markup the server wrote and
//! does not set it again, and any later change (a refetch after replying or reacting) comes
//! back whole from the server function. So this encoding blanks rendered HTML, and the
//! Markdown source that only fills `<textarea>`s, before the data is written into the page.

use crate::domain::community::{CommentThread, PostDetail, PostPageData};
use leptos::server::codee::{Decoder, Encoder, string::JsonSerdeCodec};
use serde::{Serialize, de::DeserializeOwned};

/// JSON without the parts the markup already carries; see the module notes.
pub struct LeanJson;

/// Values that can drop what the server already rendered into the page.
pub trait WithoutRenderedText: Sized {
    /// A copy whose HTML-only fields are empty.
    fn without_rendered_text(&self) -> Self;
}

impl<T, E> WithoutRenderedText for Result<T, E>
where
    T: WithoutRenderedText,
    E: Clone,
{
    fn without_rendered_text(&self) -> Self {
        match self {
            Ok(value) => Ok(value.without_rendered_text()),
            Err(error) => Err(error.clone()),
        }
    }
}

impl WithoutRenderedText for PostDetail {
    fn without_rendered_text(&self) -> Self {
        Self {
            body_html: String::new(),
            body_source: String::new(),
            ..self.clone()
        }
    }
}

impl WithoutRenderedText for CommentThread {
    fn without_rendered_text(&self) -> Self {
        let mut thread = self.clone();
        for comment in &mut thread.comments {
            comment.body_html = String::new();
            comment.body_source = String::new();
        }
        thread
    }
}

impl WithoutRenderedText for PostPageData {
    fn without_rendered_text(&self) -> Self {
        Self {
            post: self.post.without_rendered_text(),
            thread: self.thread.without_rendered_text(),
        }
    }
}

impl<T> Encoder<T> for LeanJson
where
    T: WithoutRenderedText + Serialize,
{
    type Error = <JsonSerdeCodec as Encoder<T>>::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        JsonSerdeCodec::encode(&value.without_rendered_text())
    }
}

impl<T> Decoder<T> for LeanJson
where
    T: DeserializeOwned,
{
    type Error = <JsonSerdeCodec as Decoder<T>>::Error;
    type Encoded = str;

    fn decode(value: &str) -> Result<T, Self::Error> {
        JsonSerdeCodec::decode(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CommentId, community::CommentView};

    fn comment(id: i64, html: &str) -> CommentView {
        CommentView {
            id: CommentId(id),
            parent_id: None,
            depth: 0,
            author: None,
            is_anonymous: false,
            by_original_poster: false,
            sealed_author: None,
            body_html: html.into(),
            body_source: "markdown original".into(),
            created_at: "2026-11-25T10:00:00Z".into(),
            created_label: "25 Nov 2026".into(),
            edited: false,
            deleted: false,
            reactions: Default::default(),
            viewer_is_author: true,
            hidden_replies: 0,
        }
    }

    #[test]
    fn the_encoded_thread_has_no_rendered_html_but_keeps_the_rest() {
        let thread = CommentThread {
            comments: vec![
                comment(1, "<p>first reply text</p>"),
                comment(2, "<p>second</p>"),
            ],
            focus: Some(CommentId(1)),
            after: None,
            next_after: None,
        };
        let encoded = LeanJson::encode(&Ok::<_, String>(thread.clone())).unwrap_or_default();
        assert!(!encoded.contains("first reply text"), "{encoded}");
        assert!(!encoded.contains("markdown original"), "{encoded}");
        let decoded: Result<CommentThread, String> =
            LeanJson::decode(&encoded).unwrap_or_else(|_| Err("undecodable".into()));
        let decoded = decoded.unwrap_or_default();
        assert_eq!(decoded.focus, Some(CommentId(1)));
        assert_eq!(decoded.comments.len(), 2);
        assert_eq!(decoded.comments[1].created_label, "25 Nov 2026");
        assert!(decoded.comments[0].viewer_is_author);
    }

    #[test]
    fn errors_pass_through_unchanged() {
        let encoded =
            LeanJson::encode(&Err::<CommentThread, String>("gone".into())).unwrap_or_default();
        let decoded: Result<CommentThread, String> =
            LeanJson::decode(&encoded).unwrap_or_else(|_| Ok(CommentThread::default()));
        assert_eq!(decoded, Err("gone".into()));
    }
}
