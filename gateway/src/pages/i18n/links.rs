//! The words of the share-link page (`/i/{token}`), in English and German (one field a
//! text, so a language that misses one does not compile).

pub struct LinkWords {
    pub dead_title: &'static str,
    pub dead_body: &'static str,
    pub send_again: &'static str,
    pub sent_again: &'static str,
    pub sent_by: &'static str,
    pub for_customer: &'static str,
    pub works_until: &'static str,
    pub end_access: &'static str,
    pub end_hint: &'static str,
    pub ended: &'static str,
    pub portal_access: &'static str,
    pub portal_hint: &'static str,
    pub portal_sent: &'static str,
    pub credit_note: &'static str,
    pub credits_invoice: &'static str,
}

pub const LINKS_EN: LinkWords = LinkWords {
    dead_title: "This link has expired",
    dead_body: "Links to documents work for a limited time and stop when access ends. We can send a new link to the email address on file.",
    send_again: "Send a new link",
    sent_again: "If we know this link, a new one is on its way to the email address on file.",
    sent_by: "Sent by",
    for_customer: "For",
    works_until: "This link works until",
    end_access: "End access",
    end_hint: "This link stops working for good.",
    ended: "Access ended: this link no longer works.",
    portal_access: "Get portal access",
    portal_hint: "We email you an invitation, or a link to set a new password, to see all your documents in one place.",
    portal_sent: "If you are a customer, the mail is on its way to the email address on file.",
    credit_note: "Credit note",
    credits_invoice: "Credits invoice",
};

pub const LINKS_DE: LinkWords = LinkWords {
    dead_title: "Dieser Link ist abgelaufen",
    dead_body: "Links zu Dokumenten gelten eine begrenzte Zeit und enden mit dem Zugriff. Wir senden Ihnen gern einen neuen Link an die hinterlegte E-Mail-Adresse.",
    send_again: "Neuen Link senden",
    sent_again: "Wenn wir diesen Link kennen, ist ein neuer an die hinterlegte E-Mail-Adresse unterwegs.",
    sent_by: "Gesendet von",
    for_customer: "Für",
    works_until: "Dieser Link gilt bis",
    end_access: "Zugriff beenden",
    end_hint: "Dieser Link funktioniert danach nicht mehr.",
    ended: "Zugriff beendet: Dieser Link funktioniert nicht mehr.",
    portal_access: "Zugang zum Portal erhalten",
    portal_hint: "Wir senden Ihnen eine Einladung oder einen Link zum Festlegen eines neuen Passworts, damit Sie alle Ihre Dokumente an einem Ort sehen.",
    portal_sent: "Wenn Sie Kunde sind, ist die E-Mail an die hinterlegte Adresse unterwegs.",
    credit_note: "Gutschrift",
    credits_invoice: "Gutschrift zur Rechnung",
};
