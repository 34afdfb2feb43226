//! What a page says above its form after a post: that it was done, or why the input
//! was refused, in the page's language and naming the field the API named (`web.md`,
//! Accessibility: errors name the field and are announced). The refused field is marked
//! `aria-invalid` and points at the message.

use atrium_common::error::ApiError;
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;

use super::PageError;
use super::i18n::Lang;

/// A form's input refused: the sentence shown (`role="alert"`), the field it is about,
/// and the status the page answers with.
pub struct Refusal {
    pub message: String,
    pub field: Option<String>,
    pub status: StatusCode,
    /// Which of a page's forms was refused, where several share field names.
    pub form: Option<String>,
}

impl Refusal {
    /// The API's refusal in words: "Email: check this entry." when it names a field the
    /// page knows, else what the code means.
    pub fn of(err: &ApiError, lang: Lang) -> Refusal {
        let w = lang.words();
        // `members[0].staff_id` and `branding.primary_color` are the form's `staff_id`
        // and `primary_color`.
        let named = err.fields.iter().next();
        let field = named.map(|(path, _)| {
            let last = path.rsplit('.').next().unwrap_or(path);
            last.split('[').next().unwrap_or(last).to_owned()
        });
        let label = field.as_deref().and_then(|f| w.field_label(f));
        let message = match (label, named) {
            (Some(label), Some((_, problem))) => {
                format!("{label}: {}", w.field_error(&err.code, problem))
            }
            _ => w.error(&err.code).to_owned(),
        };
        Refusal {
            message,
            field,
            status: err.status,
            form: None,
        }
    }

    /// The refusal about `field` when the API named none (a wrong password, say).
    pub fn on(mut self, field: &str) -> Refusal {
        self.field.get_or_insert_with(|| field.to_owned());
        self
    }

    /// The refusal about the form's `to` where the API named its `from`.
    pub fn renamed(mut self, from: &str, to: &str) -> Refusal {
        if self.field.as_deref() == Some(from) {
            self.field = Some(to.to_owned());
        }
        self
    }

    /// A refusal the page decides itself (a 422 about `field`).
    pub fn about(field: &str, message: &str) -> Refusal {
        Refusal {
            message: message.to_owned(),
            field: Some(field.to_owned()),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            form: None,
        }
    }
}

/// The page's word after a form: a notice (done), a refusal, or nothing.
#[derive(Default)]
pub struct Said {
    pub notice: Option<&'static str>,
    pub refusal: Option<Refusal>,
}

impl Said {
    pub fn notice(notice: Option<&'static str>) -> Said {
        Said {
            notice,
            refusal: None,
        }
    }

    pub fn refused(refusal: Refusal) -> Said {
        Said {
            notice: None,
            refusal: Some(refusal),
        }
    }

    /// The status of the page that says it: the refusal's, else 200.
    pub fn status(&self) -> StatusCode {
        self.refusal.as_ref().map_or(StatusCode::OK, |r| r.status)
    }

    /// The refusal as one of the page's forms' (`form`), where several share names.
    pub fn within(mut self, form: &str) -> Said {
        if let Some(refusal) = &mut self.refusal {
            refusal.form = Some(form.to_owned());
        }
        self
    }

    /// Whether the refusal is about the control named `name` of the page's one form.
    pub fn is(&self, name: &str) -> bool {
        self.refusal
            .as_ref()
            .is_some_and(|r| r.form.is_none() && r.field.as_deref() == Some(name))
    }

    /// The attributes of the control named `name` in the page's form `form`.
    pub fn invalid_in(&self, form: &str, name: &str) -> &'static str {
        let about = self
            .refusal
            .as_ref()
            .is_some_and(|r| r.form.as_deref() == Some(form) && r.field.as_deref() == Some(name));
        if about {
            " aria-invalid=\"true\" aria-describedby=\"form-error\""
        } else {
            ""
        }
    }

    /// The attributes of a form control named `name`: invalid, and described by the
    /// message, when the refusal is about it.
    pub fn invalid(&self, name: &str) -> &'static str {
        if self.is(name) {
            " aria-invalid=\"true\" aria-describedby=\"form-error\""
        } else {
            ""
        }
    }

    /// The attributes of a control named `name` that a hint (`hint`, an element id)
    /// describes: the hint, and the message first when the refusal is about it.
    /// (The name is the page's only control of that name, whichever form it is in.)
    pub fn described(&self, name: &str, hint: &str) -> String {
        let about = self.refusal.as_ref().and_then(|r| r.field.as_deref()) == Some(name);
        if about {
            format!(" aria-invalid=\"true\" aria-describedby=\"form-error {hint}\"")
        } else {
            format!(" aria-describedby=\"{hint}\"")
        }
    }
}

/// The API's error as a refusal of the form's input (a 4xx other than 401 and 404), to
/// show on the same page; anything else is the error page.
pub fn refusal(err: ApiError, lang: Lang) -> Result<Refusal, PageError> {
    // A wrong password typed in the form is the API's 401 too, but it is about the input.
    let input = err.status.is_client_error()
        && (!matches!(err.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED)
            || err.code == "INVALID_CREDENTIALS");
    if input {
        Ok(Refusal::of(&err, lang))
    } else {
        Err(PageError::api(err, lang))
    }
}

/// A password change refused: a wrong current password is that field's ("Current
/// password: is wrong."), anything else as [`refusal`] says.
pub fn password_refusal(mut err: ApiError, lang: Lang) -> Result<Refusal, PageError> {
    if err.code == "INVALID_CREDENTIALS" {
        err.fields
            .insert("current_password".to_owned(), "is wrong".to_owned());
    }
    refusal(err, lang)
}

/// A form's outcome: 303 to `to` once done, else its refusal (or the error page).
pub fn outcome<T>(
    lang: Lang,
    done: Result<T, ApiError>,
    to: &str,
) -> Result<Result<Response, Refusal>, PageError> {
    match done {
        Ok(_) => Ok(Ok(Redirect::to(to).into_response())),
        Err(err) => refusal(err, lang).map(Err),
    }
}

/// A form's answer: 303 to `to` once done, else the page again (`show`) saying why.
pub async fn answer<T, F, Fut>(
    lang: Lang,
    done: Result<T, ApiError>,
    to: &str,
    show: F,
) -> Result<Response, PageError>
where
    F: FnOnce(Said) -> Fut,
    Fut: Future<Output = Result<Response, PageError>>,
{
    match outcome(lang, done, to)? {
        Ok(response) => Ok(response),
        Err(refusal) => show(Said::refused(refusal)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_the_field_in_the_pages_language() {
        let err = ApiError::invalid_field("branding.primary_color", "is not a colour");
        let said = Said::refused(Refusal::of(&err, Lang::De));
        let refusal = said.refusal.as_ref().unwrap();
        assert!(
            refusal.message.starts_with("Hauptfarbe: "),
            "{}",
            refusal.message
        );
        assert_eq!(said.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(said.invalid("primary_color").contains("aria-invalid"));
        assert_eq!(said.invalid("company_name"), "");
        let within = said.within("branding");
        assert_eq!(within.invalid("primary_color"), "");
        assert!(
            within
                .invalid_in("branding", "primary_color")
                .contains("aria-invalid")
        );
        assert_eq!(within.invalid_in("other", "primary_color"), "");
        let unknown = ApiError::invalid_field("xyz", "is wrong");
        let message = Refusal::of(&unknown, Lang::En).message;
        assert!(!message.contains("xyz"), "{message}");
    }
}
