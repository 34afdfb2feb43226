//! Words chosen by what they are about: a status, a notice's kind, a field, an error code.

use super::Words;

impl Words {
    /// A project's or customer's status in words.
    pub fn status_word(&self, status: &str) -> &'static str {
        match status {
            "active" => self.status_active,
            "completed" => self.status_completed,
            "archived" => self.status_archived,
            "pending" => self.phase_pending,
            "in_progress" => self.phase_in_progress,
            "done" => self.phase_done,
            "invited" => self.status_invited,
            "deactivated" => self.status_deactivated,
            "no_account" => self.status_no_account,
            "queued" => self.status_queued,
            "held" => self.status_held,
            "sent" => self.status_sent,
            "failed" => self.status_failed,
            other => self.doc.status(other),
        }
    }

    /// A notice of a kind the pages know, worded in this language from its parameters
    /// (title, body); other kinds keep the words they were written with.
    pub fn notice(
        &self,
        kind: &str,
        params: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<(String, String)> {
        match kind {
            "assignment" => {
                let names: Vec<&str> = params
                    .get("names")?
                    .as_array()?
                    .iter()
                    .filter_map(|n| n.as_str())
                    .collect();
                let count = params
                    .get("count")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(names.len() as u64);
                let title = match names.as_slice() {
                    [one] if count == 1 => format!("{}: {one}", self.shared_with_you),
                    _ => format!("{count} {}", self.shared_many),
                };
                Some((title, names.join(", ")))
            }
            "document_published" => {
                let title = params.get("title")?.as_str()?;
                Some((format!("{}: {title}", self.doc.new_document), String::new()))
            }
            _ => None,
        }
    }

    /// The label of a form field the API can name in a refusal (its JSON name).
    pub fn field_label(&self, field: &str) -> Option<&'static str> {
        Some(match field {
            "org" | "org_slug" => self.organization,
            "email" | "confirm_email" => self.email,
            "password" => self.password,
            "new_password" => self.new_password,
            "confirm_password" => self.confirm_password,
            "current_password" => self.current_password,
            "name" => self.name,
            "company" => self.company,
            "phone" => self.phone,
            "address" => self.address,
            "locale" => self.language,
            "kind" => self.kind,
            "status" => self.status,
            "starts_on" => self.starts,
            "ends_on" => self.ends,
            "description" => self.description,
            "cover_url" => self.cover_url,
            "guest_password" => self.guest_password,
            "percent_complete" => self.percent_complete,
            "role" => self.role,
            "title" => self.title_field,
            "file" | "file_name" => self.doc.file,
            "reason" => self.doc.reason,
            "document_type_id" => self.doc.document_type,
            "caption" => self.doc.caption,
            "visibility" => self.doc.visibility,
            "position" => self.doc.position,
            "role_title" => self.role_title,
            "company_name" => self.company_name,
            "logo_url" => self.logo_url,
            "primary_color" => self.primary_color,
            "sender_name" => self.sender_name,
            "default_locale" => self.default_locale,
            "subject" => self.subject_field,
            "text" => self.text_part,
            "html" => self.html_part,
            "customer_ids" => self.customers_field,
            _ => return None,
        })
    }

    /// What the API's refusal says about one field, after the field's label: its
    /// problem when it is one the pages know, else what the code means for a field.
    pub fn field_error(&self, code: &str, problem: &str) -> String {
        let de = self.lang == "de";
        let at_most = problem
            .strip_prefix("must be at most ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(n) = at_most {
            return if de {
                format!("zu lang (höchstens {n} Zeichen).")
            } else {
                format!("too long (at most {n} characters).")
            };
        }
        let between = problem
            .strip_prefix("must be between ")
            .and_then(|rest| rest.split_once(" and "));
        if let Some((low, high)) = between {
            return if de {
                format!("muss zwischen {low} und {high} liegen.")
            } else {
                format!("must be between {low} and {high}.")
            };
        }
        let words = match (problem, code, de) {
            ("is required", _, false) => "this is required.",
            ("is required", _, true) => "bitte ausfüllen.",
            ("must be an email address", _, false) => {
                "enter an email address like name@example.com."
            }
            ("must be an email address", _, true) => {
                "geben Sie eine E-Mail-Adresse wie name@example.com ein."
            }
            ("must be at least 12 bytes", _, false) => "too short. Use at least 12 characters.",
            ("must be at least 12 bytes", _, true) => {
                "zu kurz. Verwenden Sie mindestens 12 Zeichen."
            }
            ("is wrong", _, false) => "is wrong.",
            ("is wrong", _, true) => "ist falsch.",
            ("is only for galleries", _, false) => "only galleries have one.",
            ("is only for galleries", _, true) => "gibt es nur für Galerien.",
            (_, "ALREADY_EXISTS" | "CONFLICT", false) => "this is already taken.",
            (_, "ALREADY_EXISTS" | "CONFLICT", true) => "das ist bereits vergeben.",
            (_, _, false) => "this entry is not accepted. Check it and try again.",
            (_, _, true) => {
                "dieser Eintrag wird nicht angenommen. Prüfen Sie ihn und versuchen Sie es erneut."
            }
        };
        words.to_owned()
    }

    /// What an error code of the API means, in words a person reads.
    pub fn error(&self, code: &str) -> &'static str {
        let de = self.lang == "de";
        match (code, de) {
            ("INVALID_CREDENTIALS", false) => "The email or password is wrong.",
            ("INVALID_CREDENTIALS", true) => "E-Mail-Adresse oder Passwort ist falsch.",
            ("ACCOUNT_LOCKED", false) => {
                "Too many failed attempts: the account is locked for a while."
            }
            ("ACCOUNT_LOCKED", true) => {
                "Zu viele Fehlversuche: Das Konto ist vorübergehend gesperrt."
            }
            ("RATE_LIMITED", false) => "Too many attempts. Wait a moment and try again.",
            ("RATE_LIMITED", true) => {
                "Zu viele Versuche. Warten Sie kurz und versuchen Sie es erneut."
            }
            ("TOKEN_INVALID", false) => "This link is no longer valid. Ask for a new one.",
            ("TOKEN_INVALID", true) => {
                "Dieser Link ist nicht mehr gültig. Fordern Sie einen neuen an."
            }
            ("PASSWORD_TOO_WEAK" | "VALIDATION_FAILED", false) => "Check the highlighted field.",
            ("PASSWORD_TOO_WEAK" | "VALIDATION_FAILED", true) => "Prüfen Sie das markierte Feld.",
            ("INVITATION_PENDING", false) => "An invitation to this address is already pending.",
            ("INVITATION_PENDING", true) => {
                "An diese Adresse ist bereits eine Einladung unterwegs."
            }
            ("ALREADY_EXISTS" | "CONFLICT", false) => "This already exists.",
            ("ALREADY_EXISTS" | "CONFLICT", true) => "Das gibt es bereits.",
            ("CSRF_FAILED", false) => "The form expired. Reload the page and try again.",
            ("CSRF_FAILED", true) => {
                "Das Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut."
            }
            ("PERMISSION_DENIED" | "FEATURE_DISABLED", false) => "You are not allowed to do this.",
            ("PERMISSION_DENIED" | "FEATURE_DISABLED", true) => "Das dürfen Sie nicht.",
            ("NOT_FOUND", false) => "This page does not exist, or it is not yours to see.",
            ("NOT_FOUND", true) => {
                "Diese Seite gibt es nicht, oder sie ist nicht für Sie bestimmt."
            }
            (_, false) => "Something went wrong on our side. Try again in a moment.",
            (_, true) => "Bei uns ist etwas schiefgegangen. Versuchen Sie es gleich noch einmal.",
        }
    }
}
