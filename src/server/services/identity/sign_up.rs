//! Creating an account. The answer is the same whether or not the email already has one:
//! an existing owner gets a note in their inbox instead, so sign-up never reveals who is here.

use super::{limits, mail_links, service_tx};
use crate::{
    domain::{
        AppError, FieldErrors,
        identity::validate::{self, normalize_email},
    },
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            password,
        },
        mail::outbox::{self, OutgoingEmail},
        state::AppState,
    },
};
use serde_json::json;
use unicode_normalization::UnicodeNormalization as _;
use uuid::Uuid;

pub struct SignUp {
    pub email: String,
    pub password: String,
    pub handle: String,
    pub display_name: String,
}

/// NFKC first (so full-width and compatibility forms fold to plain letters), then the
/// shared rule: lower-case `[a-z0-9_]` only.
pub fn normalize_handle(input: &str) -> String {
    let folded: String = input.nfkc().collect();
    validate::normalize_handle(&folded)
}

/// Checks every field and reports all problems at once.
pub fn check(form: &SignUp) -> Result<(String, String), AppError> {
    let email = normalize_email(&form.email);
    let handle = normalize_handle(&form.handle);
    let mut errors = FieldErrors::new();
    errors.check("email", validate::email(&email));
    errors.check("password", validate::password(&form.password));
    if errors.get("password").is_none() && password::is_common(&form.password) {
        errors.add(
            "password",
            "That password is one of the most common, so it's easy to guess. Please choose another.",
        );
    }
    errors.check("handle", validate::handle(&handle));
    errors.check("display_name", validate::display_name(&form.display_name));
    errors.into_result()?;
    Ok((email, handle))
}

/// Registers an account and mails its confirmation link.
#[tracing::instrument(skip_all)]
/// `binding` is the asking browser's `ws_confirm` value: the confirmation link keeps the
/// password only when opened there (see `proof_of_address`).
pub async fn sign_up(
    state: &AppState,
    form: SignUp,
    binding: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let (email, handle) = check(&form)?;
    crate::server::services::flags::require(
        &state.pool,
        &state.settings.flags,
        crate::domain::feature_flag::FeatureFlag::SignUps,
    )
    .await?;
    limits::per_ip(
        state,
        "sign_up",
        origin,
        state.settings.limits.sign_up_per_ip,
    )
    .await?;
    // Per address too (hashed), so one address cannot be used to mail its owner from many
    // clients.
    limits::per_account(
        state,
        "sign_up",
        &email,
        state.settings.limits.mail_per_account,
    )
    .await?;
    let display_name = watched_name(state, &handle, &form.display_name).await?;
    let hash = state.hashing.hash(form.password.clone()).await?;
    let mut tx = service_tx(&state.pool).await?;

    // The handle first, whoever owns the address: answering "welcome" for a registered
    // address before looking at the handle, and "that handle is taken" for a new one, would
    // tell anyone which addresses belong to members. Handles are public; addresses are not.
    let taken: bool =
        sqlx::query_scalar("select exists (select 1 from app.profiles where handle = $1)")
            .bind(&handle)
            .fetch_one(&mut *tx)
            .await?;
    if taken {
        let mut errors = FieldErrors::new();
        errors.add("handle", "That handle is taken. Please choose another.");
        return Err(AppError::Invalid(errors));
    }
    let existing: Option<Uuid> = sqlx::query_scalar("select id from auth.users where email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(user_id) = existing {
        // Tell the owner, not the requester.
        if mail_links::may_send(&mut tx, user_id, "sign_up_notice", &state.settings.auth).await? {
            outbox::enqueue(
                &mut tx,
                &OutgoingEmail {
                    to: email.clone(),
                    list_unsubscribe: None,
                    subject: "Someone tried to join Wellspring with your email".into(),
                    body_text: format!(
                        "Hello,\n\nSomeone (perhaps you) tried to create a Wellspring account with this \
                         address, which already has one. If it was you, you can sign in or reset your \
                         password at {}/forgot.\n\nIf it wasn't, you can ignore this message.\n",
                        state.settings.server.public_url
                    ),
                },
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(());
    }

    let user_id: Uuid = sqlx::query_scalar(
        "insert into auth.users (email, password_hash) values ($1, $2) returning id",
    )
    .bind(&email)
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("insert into app.profiles (user_id, handle, display_name) values ($1, $2, $3)")
        .bind(user_id)
        .bind(&handle)
        .bind(&display_name)
        .execute(&mut *tx)
        .await
        .map_err(unique_handle)?;
    mail_links::send_confirmation(&mut tx, state, user_id, &email, binding).await?;
    audit::record(
        &mut tx,
        AuthEvent::SignUp,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "handle": handle }),
    )
    .await?;
    tx.commit().await.map_err(unique_handle)?;
    Ok(())
}

/// The display name after the watched words: a blocked word in it or in the handle is the
/// field's own error, censored words are masked. (Words that flag or hold are reviewed when
/// the member next saves their profile: a profile that does not exist yet has no place in
/// the queue.)
async fn watched_name(
    state: &AppState,
    handle: &str,
    display_name: &str,
) -> Result<String, AppError> {
    use crate::server::services::{context::ServiceContext, moderation::watched};
    let list = watched::load(&ServiceContext::from_state(state, None)).await?;
    let (mut errors, mut review) = (FieldErrors::new(), None);
    watched::check_field(&list, &mut errors, "handle", handle, &mut review);
    let name = watched::check_field(
        &list,
        &mut errors,
        "display_name",
        display_name.trim(),
        &mut review,
    );
    errors.into_result()?;
    Ok(name)
}

/// Two people racing for one handle: the loser hears the handle is taken.
fn unique_handle(error: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(e) = &error
        && e.constraint() == Some("profiles_handle_key")
    {
        let mut errors = FieldErrors::new();
        errors.add("handle", "That handle is taken. Please choose another.");
        return AppError::Invalid(errors);
    }
    error.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_fold_compatibility_forms_before_the_alphabet_check() {
        assert_eq!(normalize_handle("ＡＬＩＣＥ"), "alice");
        assert_eq!(normalize_handle("@Bob_1"), "bob_1");
        // A zero-width space survives NFKC and is then refused by the alphabet.
        assert!(validate::handle(&normalize_handle("bo\u{200B}b")).is_err());
        assert!(validate::handle(&normalize_handle("ali\u{202E}ce")).is_err());
    }
}
