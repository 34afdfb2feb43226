//! The default email templates, written by hand in English and German. Staff may
//! override any of them per organization; these are what `DELETE` restores.

/// One template: subject, plain-text body and HTML body, in MiniJinja syntax. The bodies
/// live in `services/notifier/templates/<locale>/<key>.{txt,html}` and extend that
/// locale's `base.txt` and `base.html`, so a key's template holds only its own words.
pub struct DefaultTemplate {
    pub key: &'static str,
    pub locale: &'static str,
    pub subject: &'static str,
    pub text: &'static str,
    pub html: &'static str,
}

/// The variables each template key is given, besides the common ones.
pub const KEY_VARIABLES: &[(&str, &[&str])] = &[
    ("customer_invitation", &["link", "expires_at"]),
    ("customer_password_reset", &["link", "expires_at"]),
    ("customer_gallery_assigned", &["galleries", "link"]),
    ("staff_invitation", &["link", "expires_at", "role"]),
    ("staff_password_reset", &["link", "expires_at"]),
    (
        "document_shared",
        &["document_title", "link", "expires_at", "message"],
    ),
    (
        "invoice_issued",
        &["invoice_number", "amount", "due_date", "link"],
    ),
    (
        "invoice_sent",
        &["invoice_number", "amount", "due_date", "link"],
    ),
    (
        "quote_sent",
        &["quote_number", "amount", "valid_until", "link"],
    ),
    (
        "quote_issued",
        &["quote_number", "amount", "valid_until", "link"],
    ),
    (
        "credit_note_sent",
        &["credit_note_number", "amount", "link"],
    ),
    ("order_sent", &["order_number", "amount", "link"]),
    ("statement_sent", &["from", "to", "amount", "link"]),
    ("document_sent", &["document_title", "link"]),
    ("documents_requested", &["documents", "link"]),
    (
        "request_received",
        &["number", "title", "customer_name", "message", "link"],
    ),
    (
        "request_updated",
        &["number", "title", "status", "message", "link"],
    ),
    (
        "approval_requested",
        &["title", "project_name", "revision", "due_on", "link"],
    ),
];

/// Variables every template gets.
pub const COMMON_VARIABLES: &[&str] = &["org_name", "logo_url", "recipient_name", "sender_name"];

/// The default of `key` in `locale`: its subject here, its bodies from their files.
macro_rules! default {
    ($key:literal, $locale:literal, $subject:expr) => {
        DefaultTemplate {
            key: $key,
            locale: $locale,
            subject: $subject,
            text: include_str!(concat!("../../templates/", $locale, "/", $key, ".txt")),
            html: include_str!(concat!("../../templates/", $locale, "/", $key, ".html")),
        }
    };
}

/// Every default template: each key of [`KEY_VARIABLES`] in `en` and `de`.
pub const DEFAULTS: &[DefaultTemplate] = &[
    default!(
        "customer_invitation",
        "en",
        "You're invited to the {{ org_name }} customer portal"
    ),
    default!(
        "customer_invitation",
        "de",
        "Ihr Zugang zum Kundenportal von {{ org_name }}"
    ),
    default!(
        "customer_password_reset",
        "en",
        "Reset your password for the {{ org_name }} portal"
    ),
    default!(
        "customer_password_reset",
        "de",
        "Neues Passwort für das Kundenportal von {{ org_name }}"
    ),
    default!(
        "customer_gallery_assigned",
        "en",
        "{{ org_name }} shared {% if galleries|length == 1 %}a new gallery with you: {{ galleries[0].name }}{% else %}{{ galleries|length }} new galleries with you{% endif %}"
    ),
    default!(
        "customer_gallery_assigned",
        "de",
        "{{ org_name }} hat {% if galleries|length == 1 %}eine neue Galerie für Sie freigegeben: {{ galleries[0].name }}{% else %}{{ galleries|length }} neue Galerien für Sie freigegeben{% endif %}"
    ),
    default!(
        "staff_invitation",
        "en",
        "Join the {{ org_name }} team on Atrium"
    ),
    default!(
        "staff_invitation",
        "de",
        "Einladung ins Team von {{ org_name }} auf Atrium"
    ),
    default!(
        "staff_password_reset",
        "en",
        "Reset your Atrium password for {{ org_name }}"
    ),
    default!(
        "staff_password_reset",
        "de",
        "Neues Atrium-Passwort für {{ org_name }}"
    ),
    default!(
        "document_shared",
        "en",
        "{{ org_name }} shared a document with you: {{ document_title }}"
    ),
    default!(
        "document_shared",
        "de",
        "{{ org_name }} hat ein Dokument für Sie freigegeben: {{ document_title }}"
    ),
    default!(
        "invoice_issued",
        "en",
        "Invoice {{ invoice_number }} from {{ org_name }}"
    ),
    default!(
        "invoice_issued",
        "de",
        "Rechnung {{ invoice_number }} von {{ org_name }}"
    ),
    default!(
        "quote_issued",
        "en",
        "Quote {{ quote_number }} from {{ org_name }}"
    ),
    default!(
        "quote_issued",
        "de",
        "Angebot {{ quote_number }} von {{ org_name }}"
    ),
    default!(
        "invoice_sent",
        "en",
        "Invoice {{ invoice_number }} from {{ org_name }}"
    ),
    default!(
        "invoice_sent",
        "de",
        "Rechnung {{ invoice_number }} von {{ org_name }}"
    ),
    default!(
        "quote_sent",
        "en",
        "Quote {{ quote_number }} from {{ org_name }}"
    ),
    default!(
        "quote_sent",
        "de",
        "Angebot {{ quote_number }} von {{ org_name }}"
    ),
    default!(
        "credit_note_sent",
        "en",
        "Credit note {{ credit_note_number }} from {{ org_name }}"
    ),
    default!(
        "credit_note_sent",
        "de",
        "Gutschrift {{ credit_note_number }} von {{ org_name }}"
    ),
    default!(
        "order_sent",
        "en",
        "Order {{ order_number }} from {{ org_name }}"
    ),
    default!(
        "order_sent",
        "de",
        "Auftrag {{ order_number }} von {{ org_name }}"
    ),
    default!(
        "statement_sent",
        "en",
        "Your statement of account from {{ org_name }}"
    ),
    default!("statement_sent", "de", "Ihr Kontoauszug von {{ org_name }}"),
    default!(
        "document_sent",
        "en",
        "{{ org_name }} sent you a document: {{ document_title }}"
    ),
    default!(
        "document_sent",
        "de",
        "{{ org_name }} hat Ihnen ein Dokument gesendet: {{ document_title }}"
    ),
    default!(
        "documents_requested",
        "en",
        "Your documents from {{ org_name }}"
    ),
    default!(
        "documents_requested",
        "de",
        "Ihre Dokumente von {{ org_name }}"
    ),
    default!(
        "request_received",
        "en",
        "Request #{{ number }}: {{ title }}"
    ),
    default!(
        "request_received",
        "de",
        "Anfrage #{{ number }}: {{ title }}"
    ),
    default!(
        "request_updated",
        "en",
        "Your request #{{ number }} at {{ org_name }}"
    ),
    default!(
        "request_updated",
        "de",
        "Ihre Anfrage #{{ number }} bei {{ org_name }}"
    ),
    default!(
        "approval_requested",
        "en",
        "{{ org_name }} asks for your approval: {{ title }}"
    ),
    default!(
        "approval_requested",
        "de",
        "{{ org_name }} bittet um Ihre Freigabe: {{ title }}"
    ),
];

/// The layouts every template of a locale extends: `base.txt`, and `base.html` with the
/// locale's words of `layout.html`, the one HTML layout of every language.
pub fn layouts(locale: &str) -> [(&'static str, &'static str); 3] {
    let layout = ("layout.html", include_str!("../../templates/layout.html"));
    match locale {
        "de" => [
            ("base.txt", include_str!("../../templates/de/base.txt")),
            ("base.html", include_str!("../../templates/de/base.html")),
            layout,
        ],
        _ => [
            ("base.txt", include_str!("../../templates/en/base.txt")),
            ("base.html", include_str!("../../templates/en/base.html")),
            layout,
        ],
    }
}
