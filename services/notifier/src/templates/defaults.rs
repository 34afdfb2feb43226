//! The default email templates, written by hand in English and German. Staff may
//! override any of them per organization; these are what `DELETE` restores.

/// One template: subject, plain-text body and HTML body, in MiniJinja syntax.
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
        "invoice_sent",
        &["invoice_number", "amount", "due_date", "link"],
    ),
    (
        "quote_sent",
        &["quote_number", "amount", "valid_until", "link"],
    ),
];

/// Variables every template gets.
pub const COMMON_VARIABLES: &[&str] = &["org_name", "logo_url", "recipient_name", "sender_name"];

/// Every default template: each key of [`KEY_VARIABLES`] in `en` and `de`.
pub const DEFAULTS: &[DefaultTemplate] = &[
    // ------------------------------------------------------------------ customer_invitation
    DefaultTemplate {
        key: "customer_invitation",
        locale: "en",
        subject: "You're invited to the {{ org_name }} customer portal",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

{% if sender_name %}{{ sender_name }} from {{ org_name }}{% else %}{{ org_name }}{% endif %} has invited you to their customer portal. There you will find your documents, galleries, quotes and invoices in one place.

To accept the invitation, choose your password using this link:

{{ link }}

The link is valid until {{ expires_at }}. If it has expired, simply ask {{ org_name }} to send you a new invitation.

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">{% if sender_name %}{{ sender_name }} from {{ org_name }}{% else %}{{ org_name }}{% endif %} has invited you to their customer portal. There you will find your documents, galleries, quotes and invoices in one place.</p>
<p style="margin:0 0 16px;">To accept the invitation, choose your password:</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Set your password</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">The link is valid until {{ expires_at }}. If it has expired, simply ask {{ org_name }} to send you a new invitation.</p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "customer_invitation",
        locale: "de",
        subject: "Ihr Zugang zum Kundenportal von {{ org_name }}",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

{% if sender_name %}{{ sender_name }} von {{ org_name }}{% else %}{{ org_name }}{% endif %} lädt Sie in das Kundenportal ein. Dort finden Sie Ihre Dokumente, Galerien, Angebote und Rechnungen übersichtlich an einem Ort.

Um die Einladung anzunehmen, legen Sie über diesen Link Ihr Passwort fest:

{{ link }}

Der Link ist gültig bis {{ expires_at }}. Sollte er abgelaufen sein, bitten Sie {{ org_name }} einfach um eine neue Einladung.

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">{% if sender_name %}{{ sender_name }} von {{ org_name }}{% else %}{{ org_name }}{% endif %} lädt Sie in das Kundenportal ein. Dort finden Sie Ihre Dokumente, Galerien, Angebote und Rechnungen übersichtlich an einem Ort.</p>
<p style="margin:0 0 16px;">Um die Einladung anzunehmen, legen Sie bitte Ihr Passwort fest:</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Passwort festlegen</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">Der Link ist gültig bis {{ expires_at }}. Sollte er abgelaufen sein, bitten Sie {{ org_name }} einfach um eine neue Einladung.</p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
    // ------------------------------------------------------------------ customer_password_reset
    DefaultTemplate {
        key: "customer_password_reset",
        locale: "en",
        subject: "Reset your password for the {{ org_name }} portal",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

We received a request to reset the password of your account in the {{ org_name }} customer portal. Use this link to choose a new password:

{{ link }}

The link is valid for 60 minutes, until {{ expires_at }}.

If you didn't ask for a new password, you can safely ignore this email. Your current password stays unchanged.

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">We received a request to reset the password of your account in the {{ org_name }} customer portal.</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Choose a new password</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">The link is valid for 60 minutes, until {{ expires_at }}.</p>
<p style="margin:0 0 16px;">If you didn't ask for a new password, you can safely ignore this email. Your current password stays unchanged.</p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "customer_password_reset",
        locale: "de",
        subject: "Neues Passwort für das Kundenportal von {{ org_name }}",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

für Ihr Konto im Kundenportal von {{ org_name }} wurde ein neues Passwort angefordert. Über diesen Link können Sie es festlegen:

{{ link }}

Der Link ist 60 Minuten lang gültig, also bis {{ expires_at }}.

Falls Sie kein neues Passwort angefordert haben, können Sie diese E-Mail einfach ignorieren. Ihr bisheriges Passwort bleibt dann unverändert.

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">für Ihr Konto im Kundenportal von {{ org_name }} wurde ein neues Passwort angefordert.</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Neues Passwort festlegen</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">Der Link ist 60 Minuten lang gültig, also bis {{ expires_at }}.</p>
<p style="margin:0 0 16px;">Falls Sie kein neues Passwort angefordert haben, können Sie diese E-Mail einfach ignorieren. Ihr bisheriges Passwort bleibt dann unverändert.</p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
    // ------------------------------------------------------------------ customer_gallery_assigned
    DefaultTemplate {
        key: "customer_gallery_assigned",
        locale: "en",
        subject: "{{ org_name }} shared {% if galleries|length == 1 %}a new gallery with you: {{ galleries[0].name }}{% else %}{{ galleries|length }} new galleries with you{% endif %}",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

{% if galleries|length == 1 %}{{ org_name }} has added a new gallery to your portal:{% else %}{{ org_name }} has added {{ galleries|length }} new galleries to your portal:{% endif %}
{% for gallery in galleries %}
- {{ gallery.name }}
{{ gallery.link }}
{% endfor %}
You can also find everything on your portal dashboard:

{{ link }}

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">{% if galleries|length == 1 %}{{ org_name }} has added a new gallery to your portal:{% else %}{{ org_name }} has added {{ galleries|length }} new galleries to your portal:{% endif %}</p>
<ul style="margin:0 0 16px;padding-left:20px;">
{% for gallery in galleries %}<li style="margin:0 0 8px;"><a href="{{ gallery.link }}" style="color:#2563eb;font-weight:bold;">{{ gallery.name }}</a></li>
{% endfor %}</ul>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Open your portal</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "customer_gallery_assigned",
        locale: "de",
        subject: "{{ org_name }} hat {% if galleries|length == 1 %}eine neue Galerie für Sie freigegeben: {{ galleries[0].name }}{% else %}{{ galleries|length }} neue Galerien für Sie freigegeben{% endif %}",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

{% if galleries|length == 1 %}in Ihrem Portal bei {{ org_name }} steht eine neue Galerie für Sie bereit:{% else %}in Ihrem Portal bei {{ org_name }} stehen {{ galleries|length }} neue Galerien für Sie bereit:{% endif %}
{% for gallery in galleries %}
- {{ gallery.name }}
{{ gallery.link }}
{% endfor %}
Alles Weitere finden Sie auch jederzeit auf der Startseite Ihres Portals:

{{ link }}

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">{% if galleries|length == 1 %}in Ihrem Portal bei {{ org_name }} steht eine neue Galerie für Sie bereit:{% else %}in Ihrem Portal bei {{ org_name }} stehen {{ galleries|length }} neue Galerien für Sie bereit:{% endif %}</p>
<ul style="margin:0 0 16px;padding-left:20px;">
{% for gallery in galleries %}<li style="margin:0 0 8px;"><a href="{{ gallery.link }}" style="color:#2563eb;font-weight:bold;">{{ gallery.name }}</a></li>
{% endfor %}</ul>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Zum Portal</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
    // ------------------------------------------------------------------ staff_invitation
    DefaultTemplate {
        key: "staff_invitation",
        locale: "en",
        subject: "Join the {{ org_name }} team on Atrium",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

{% if sender_name %}{{ sender_name }} has invited you{% else %}You have been invited{% endif %} to join the {{ org_name }} team on Atrium as {{ role }}. Atrium is the portal {{ org_name }} uses to share documents, galleries, quotes and invoices with its customers.

To accept the invitation, choose your password using this link:

{{ link }}

The link is valid until {{ expires_at }}.

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">{% if sender_name %}{{ sender_name }} has invited you{% else %}You have been invited{% endif %} to join the {{ org_name }} team on Atrium as <strong>{{ role }}</strong>. Atrium is the portal {{ org_name }} uses to share documents, galleries, quotes and invoices with its customers.</p>
<p style="margin:0 0 16px;">To accept the invitation, choose your password:</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Accept invitation</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">The link is valid until {{ expires_at }}.</p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "staff_invitation",
        locale: "de",
        subject: "Einladung ins Team von {{ org_name }} auf Atrium",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

{% if sender_name %}{{ sender_name }} lädt Sie ein{% else %}Sie wurden eingeladen{% endif %}, dem Team von {{ org_name }} auf Atrium beizutreten – mit der Rolle {{ role }}. Über Atrium stellt {{ org_name }} Kundinnen und Kunden Dokumente, Galerien, Angebote und Rechnungen bereit.

Um die Einladung anzunehmen, legen Sie über diesen Link Ihr Passwort fest:

{{ link }}

Der Link ist gültig bis {{ expires_at }}.

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">{% if sender_name %}{{ sender_name }} lädt Sie ein{% else %}Sie wurden eingeladen{% endif %}, dem Team von {{ org_name }} auf Atrium beizutreten – mit der Rolle <strong>{{ role }}</strong>. Über Atrium stellt {{ org_name }} Kundinnen und Kunden Dokumente, Galerien, Angebote und Rechnungen bereit.</p>
<p style="margin:0 0 16px;">Um die Einladung anzunehmen, legen Sie bitte Ihr Passwort fest:</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Einladung annehmen</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">Der Link ist gültig bis {{ expires_at }}.</p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
    // ------------------------------------------------------------------ staff_password_reset
    DefaultTemplate {
        key: "staff_password_reset",
        locale: "en",
        subject: "Reset your Atrium password for {{ org_name }}",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

We received a request to reset the password of your staff account for {{ org_name }} on Atrium. Use this link to choose a new password:

{{ link }}

The link is valid until {{ expires_at }}.

If you didn't ask for a new password, you can safely ignore this email. Your current password stays unchanged.

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">We received a request to reset the password of your staff account for {{ org_name }} on Atrium.</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Choose a new password</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">The link is valid until {{ expires_at }}.</p>
<p style="margin:0 0 16px;">If you didn't ask for a new password, you can safely ignore this email. Your current password stays unchanged.</p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "staff_password_reset",
        locale: "de",
        subject: "Neues Atrium-Passwort für {{ org_name }}",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

für Ihr Team-Konto bei {{ org_name }} auf Atrium wurde ein neues Passwort angefordert. Über diesen Link können Sie es festlegen:

{{ link }}

Der Link ist gültig bis {{ expires_at }}.

Falls Sie kein neues Passwort angefordert haben, können Sie diese E-Mail einfach ignorieren. Ihr bisheriges Passwort bleibt dann unverändert.

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">für Ihr Team-Konto bei {{ org_name }} auf Atrium wurde ein neues Passwort angefordert.</p>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Neues Passwort festlegen</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">Der Link ist gültig bis {{ expires_at }}.</p>
<p style="margin:0 0 16px;">Falls Sie kein neues Passwort angefordert haben, können Sie diese E-Mail einfach ignorieren. Ihr bisheriges Passwort bleibt dann unverändert.</p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
    // ------------------------------------------------------------------ document_shared
    DefaultTemplate {
        key: "document_shared",
        locale: "en",
        subject: "{{ org_name }} shared a document with you: {{ document_title }}",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

{% if sender_name %}{{ sender_name }} from {{ org_name }}{% else %}{{ org_name }}{% endif %} has shared the document "{{ document_title }}" with you.
{% if message %}
> {{ message }}
{% endif %}
You can view and download it here:

{{ link }}

The link is valid until {{ expires_at }}.

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">{% if sender_name %}{{ sender_name }} from {{ org_name }}{% else %}{{ org_name }}{% endif %} has shared the document <strong>{{ document_title }}</strong> with you.</p>
{% if message %}<blockquote style="margin:0 0 16px;padding:12px 16px;border-left:4px solid #d1d5db;background-color:#f9fafb;color:#374151;white-space:pre-line;">{{ message }}</blockquote>{% endif %}
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">View document</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">The link is valid until {{ expires_at }}.</p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "document_shared",
        locale: "de",
        subject: "{{ org_name }} hat ein Dokument für Sie freigegeben: {{ document_title }}",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

{% if sender_name %}{{ sender_name }} von {{ org_name }}{% else %}{{ org_name }}{% endif %} hat das Dokument „{{ document_title }}“ für Sie freigegeben.
{% if message %}
> {{ message }}
{% endif %}
Hier können Sie es ansehen und herunterladen:

{{ link }}

Der Link ist gültig bis {{ expires_at }}.

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">{% if sender_name %}{{ sender_name }} von {{ org_name }}{% else %}{{ org_name }}{% endif %} hat das Dokument <strong>{{ document_title }}</strong> für Sie freigegeben.</p>
{% if message %}<blockquote style="margin:0 0 16px;padding:12px 16px;border-left:4px solid #d1d5db;background-color:#f9fafb;color:#374151;white-space:pre-line;">{{ message }}</blockquote>{% endif %}
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Dokument ansehen</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">Der Link ist gültig bis {{ expires_at }}.</p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
    // ------------------------------------------------------------------ invoice_sent
    DefaultTemplate {
        key: "invoice_sent",
        locale: "en",
        subject: "Invoice {{ invoice_number }} from {{ org_name }}",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

Your invoice {{ invoice_number }} from {{ org_name }} is now available in your customer portal.

Amount: {{ amount }}
Due date: {{ due_date }}

You can view and download the invoice here:

{{ link }}

If you have any questions about this invoice, please get in touch with us. Thank you for your business!

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">Your invoice <strong>{{ invoice_number }}</strong> from {{ org_name }} is now available in your customer portal.</p>
<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Amount</td><td style="padding:4px 0;font-weight:bold;">{{ amount }}</td></tr>
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Due date</td><td style="padding:4px 0;font-weight:bold;">{{ due_date }}</td></tr>
</table>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">View invoice</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">If you have any questions about this invoice, please get in touch with us. Thank you for your business!</p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "invoice_sent",
        locale: "de",
        subject: "Rechnung {{ invoice_number }} von {{ org_name }}",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

Ihre Rechnung {{ invoice_number }} von {{ org_name }} steht ab sofort in Ihrem Kundenportal bereit.

Betrag: {{ amount }}
Fällig am: {{ due_date }}

Hier können Sie die Rechnung ansehen und herunterladen:

{{ link }}

Bei Fragen zur Rechnung sind wir gern für Sie da. Vielen Dank für Ihren Auftrag!

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">Ihre Rechnung <strong>{{ invoice_number }}</strong> von {{ org_name }} steht ab sofort in Ihrem Kundenportal bereit.</p>
<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Betrag</td><td style="padding:4px 0;font-weight:bold;">{{ amount }}</td></tr>
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Fällig am</td><td style="padding:4px 0;font-weight:bold;">{{ due_date }}</td></tr>
</table>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Rechnung ansehen</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">Bei Fragen zur Rechnung sind wir gern für Sie da. Vielen Dank für Ihren Auftrag!</p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
    // ------------------------------------------------------------------ quote_sent
    DefaultTemplate {
        key: "quote_sent",
        locale: "en",
        subject: "Quote {{ quote_number }} from {{ org_name }}",
        text: r#"{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}

{{ org_name }} has prepared quote {{ quote_number }} for you. It is now available in your customer portal.

Amount: {{ amount }}
Valid until: {{ valid_until }}

You can review the quote here:

{{ link }}

If you have any questions or would like changes, please get in touch with us.

Best regards,
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hello {{ recipient_name }},{% else %}Hello,{% endif %}</p>
<p style="margin:0 0 16px;">{{ org_name }} has prepared quote <strong>{{ quote_number }}</strong> for you. It is now available in your customer portal.</p>
<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Amount</td><td style="padding:4px 0;font-weight:bold;">{{ amount }}</td></tr>
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Valid until</td><td style="padding:4px 0;font-weight:bold;">{{ valid_until }}</td></tr>
</table>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">View quote</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">If the button doesn't work, copy this link into your browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">If you have any questions or would like changes, please get in touch with us.</p>
<p style="margin:24px 0 0;">Best regards,<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · sent with Atrium</p>
</div>
</body>
</html>
"#,
    },
    DefaultTemplate {
        key: "quote_sent",
        locale: "de",
        subject: "Angebot {{ quote_number }} von {{ org_name }}",
        text: r#"{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}

{{ org_name }} hat das Angebot {{ quote_number }} für Sie erstellt. Sie finden es ab sofort in Ihrem Kundenportal.

Betrag: {{ amount }}
Gültig bis: {{ valid_until }}

Hier können Sie das Angebot in Ruhe ansehen:

{{ link }}

Haben Sie Fragen oder Änderungswünsche? Dann melden Sie sich gern bei uns.

Freundliche Grüße
{% if sender_name %}{{ sender_name }}
{% endif %}{{ org_name }}
"#,
        html: r#"<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ org_name }}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#1f2937;">
{% if logo_url %}<div style="margin:0 0 20px;"><img src="{{ logo_url }}" alt="{{ org_name }}" style="max-height:48px"></div>{% endif %}
<div style="background-color:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{% if recipient_name %}Hallo {{ recipient_name }},{% else %}Guten Tag,{% endif %}</p>
<p style="margin:0 0 16px;">{{ org_name }} hat das Angebot <strong>{{ quote_number }}</strong> für Sie erstellt. Sie finden es ab sofort in Ihrem Kundenportal.</p>
<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Betrag</td><td style="padding:4px 0;font-weight:bold;">{{ amount }}</td></tr>
<tr><td style="padding:4px 24px 4px 0;color:#6b7280;">Gültig bis</td><td style="padding:4px 0;font-weight:bold;">{{ valid_until }}</td></tr>
</table>
<p style="margin:28px 0;"><a href="{{ link }}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;text-decoration:none;font-weight:bold;border-radius:6px;">Angebot ansehen</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#6b7280;">Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:<br><a href="{{ link }}" style="color:#2563eb;word-break:break-all;">{{ link }}</a></p>
<p style="margin:0 0 16px;">Haben Sie Fragen oder Änderungswünsche? Dann melden Sie sich gern bei uns.</p>
<p style="margin:24px 0 0;">Freundliche Grüße<br>{% if sender_name %}{{ sender_name }}<br>{% endif %}{{ org_name }}</p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;text-align:center;">{{ org_name }} · versendet mit Atrium</p>
</div>
</body>
</html>
"#,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::{Environment, UndefinedBehavior, Value, context};
    use std::collections::BTreeMap;

    const LOCALES: &[&str] = &["en", "de"];
    const LINK: &str = "https://portal.example.com/t/abc123";
    const GALLERY_LINKS: [&str; 2] = [
        "https://portal.example.com/galleries/1",
        "https://portal.example.com/galleries/2",
    ];

    fn own_variables(key: &str) -> &'static [&'static str] {
        KEY_VARIABLES
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("{key} is not in KEY_VARIABLES"))
    }

    /// A sample value for `name`; `filled` decides whether the optional strings are empty.
    fn sample(name: &str, filled: bool) -> Value {
        let value = match name {
            "galleries" => {
                return Value::from(vec![
                    context! { name => "Wedding <Smith>", link => GALLERY_LINKS[0] },
                    context! { name => "Portraits 2025", link => GALLERY_LINKS[1] },
                ]);
            }
            "logo_url" | "recipient_name" | "sender_name" | "message" if !filled => "",
            "logo_url" => "https://cdn.example.com/logo.png",
            "recipient_name" => "<b>Ann & Co</b>",
            "sender_name" => "Berta Beispiel",
            "message" => "Please sign by Friday.\nThanks!",
            "org_name" => "Acme & Söhne",
            "link" => LINK,
            "expires_at" => "2025-03-01 12:00 UTC",
            "role" => "Administrator",
            "document_title" => "Contract 2025",
            "invoice_number" => "INV-2025-0042",
            "quote_number" => "Q-2025-0007",
            "amount" => "1.250,00 €",
            "due_date" => "15.03.2025",
            "valid_until" => "31.03.2025",
            other => panic!("no sample value for variable {other}"),
        };
        Value::from(value)
    }

    fn render(template: &DefaultTemplate, filled: bool) -> (String, String, String) {
        let mut ctx: BTreeMap<&str, Value> = BTreeMap::new();
        for name in COMMON_VARIABLES.iter().chain(own_variables(template.key)) {
            ctx.insert(*name, sample(name, filled));
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let what = format!("{}/{}", template.key, template.locale);
        env.add_template("subject.txt", template.subject)
            .unwrap_or_else(|e| panic!("{what} subject: {e:#}"));
        env.add_template("body.txt", template.text)
            .unwrap_or_else(|e| panic!("{what} text: {e:#}"));
        env.add_template("body.html", template.html)
            .unwrap_or_else(|e| panic!("{what} html: {e:#}"));
        let part = |name: &str| {
            env.get_template(name)
                .and_then(|t| t.render(&ctx))
                .unwrap_or_else(|e| panic!("{what} {name} (filled: {filled}): {e:#}"))
        };
        (part("subject.txt"), part("body.txt"), part("body.html"))
    }

    #[test]
    fn every_key_and_locale_appears_exactly_once() {
        for (key, _) in KEY_VARIABLES {
            assert_eq!(
                KEY_VARIABLES.iter().filter(|(k, _)| k == key).count(),
                1,
                "{key} is listed twice in KEY_VARIABLES"
            );
            for locale in LOCALES {
                let count = DEFAULTS
                    .iter()
                    .filter(|t| t.key == *key && t.locale == *locale)
                    .count();
                assert_eq!(count, 1, "{key}/{locale} appears {count} times in DEFAULTS");
            }
        }
        assert_eq!(DEFAULTS.len(), KEY_VARIABLES.len() * LOCALES.len());
        for template in DEFAULTS {
            assert!(
                KEY_VARIABLES.iter().any(|(k, _)| *k == template.key),
                "{} is not in KEY_VARIABLES",
                template.key
            );
            assert!(
                LOCALES.contains(&template.locale),
                "unknown locale {}",
                template.locale
            );
        }
    }

    #[test]
    fn every_own_variable_is_used() {
        for template in DEFAULTS {
            for name in own_variables(template.key) {
                let used = [template.subject, template.text, template.html]
                    .iter()
                    .any(|part| part.contains(name));
                assert!(
                    used,
                    "{}/{} never uses {name}",
                    template.key, template.locale
                );
            }
        }
    }

    #[test]
    fn every_default_renders_strictly() {
        for template in DEFAULTS {
            let what = format!("{}/{}", template.key, template.locale);
            let variables = own_variables(template.key);
            for filled in [true, false] {
                let (subject, text, html) = render(template, filled);

                assert!(!subject.trim().is_empty(), "{what}: empty subject");
                assert!(
                    !subject.contains('\n'),
                    "{what}: subject spans lines: {subject:?}"
                );

                assert!(
                    text.lines().any(|line| line == LINK),
                    "{what}: no line equal to the link:\n{text}"
                );
                if variables.contains(&"galleries") {
                    for link in GALLERY_LINKS {
                        assert!(
                            text.lines().any(|line| line == link),
                            "{what}: {link} not on its own line"
                        );
                    }
                    assert!(
                        subject.contains('2'),
                        "{what}: subject does not count the galleries"
                    );
                }
                if variables.contains(&"expires_at") {
                    assert!(
                        text.contains("2025-03-01 12:00 UTC"),
                        "{what}: text does not mention expiry"
                    );
                    assert!(
                        html.contains("2025-03-01 12:00 UTC"),
                        "{what}: html does not mention expiry"
                    );
                }
                assert!(
                    !text.contains("&lt;"),
                    "{what}: the text part must not be escaped"
                );

                assert!(
                    html.starts_with("<!doctype html>"),
                    "{what}: html is not a document"
                );
                assert!(
                    html.contains("max-width:600px"),
                    "{what}: html has no max width"
                );
                assert!(html.contains("<a href=\""), "{what}: html has no link");
                assert!(
                    !html.contains("<b>"),
                    "{what}: html let a variable through unescaped"
                );
                assert!(html.lines().count() <= 40, "{what}: html is too long");

                if filled {
                    assert!(
                        text.contains("<b>Ann & Co</b>"),
                        "{what}: text lacks the recipient name"
                    );
                    assert!(
                        html.contains("&lt;b&gt;Ann &amp; Co"),
                        "{what}: recipient name not escaped"
                    );
                    assert!(html.contains("<img src=\""), "{what}: html lacks the logo");
                    assert!(
                        text.contains("Berta Beispiel"),
                        "{what}: text lacks the sender"
                    );
                    if variables.contains(&"message") {
                        assert!(
                            text.contains("Please sign by Friday."),
                            "{what}: message missing"
                        );
                        assert!(
                            html.contains("<blockquote"),
                            "{what}: message block missing"
                        );
                    }
                } else {
                    assert!(
                        !html.contains("<img"),
                        "{what}: logo shown without a logo_url"
                    );
                    assert!(
                        !html.contains("<blockquote"),
                        "{what}: empty message still quoted"
                    );
                    assert!(!text.contains("> \n"), "{what}: empty message still quoted");
                }
            }
        }
    }
}
