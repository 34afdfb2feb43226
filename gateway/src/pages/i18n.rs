//! Every text of the pages in English and German. A page reads its words from one
//! [`Words`]; a word missing in a language does not compile. The language is chosen as
//! `web.md` says: the switch's cookie, the person's profile locale, `Accept-Language`,
//! then the organization's default.

use http::HeaderMap;

use crate::extract::cookie;

/// The cookie the language switch remembers its choice in.
pub const LANG_COOKIE: &str = "atrium_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
        }
    }

    /// The switch's choice, then `profile` (the person's locale), then the first language
    /// of `Accept-Language` we speak, then `fallback` (the organization's default).
    pub fn choose(headers: &HeaderMap, profile: Option<&str>, fallback: Option<&str>) -> Lang {
        if let Some(lang) = cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
            return lang;
        }
        if let Some(lang) = profile.and_then(Lang::parse) {
            return lang;
        }
        let accepted = headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let mut ranked: Vec<(f32, Lang)> = accepted
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .first()
            .map(|(_, lang)| *lang)
            .or_else(|| fallback.and_then(Lang::parse))
            .unwrap_or(Lang::En)
    }

    /// A `YYYY-MM-DD` date (or an RFC 3339 time) as the language writes it.
    pub fn date(self, text: &str) -> String {
        let day = text.get(..10).unwrap_or(text);
        let mut parts = day.split('-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return text.to_owned();
        };
        let Ok(month) = m.parse::<usize>() else {
            return text.to_owned();
        };
        let day: u32 = d.parse().unwrap_or(0);
        match self {
            Lang::En => {
                let name = EN_MONTHS.get(month.wrapping_sub(1)).unwrap_or(&"");
                format!("{day} {name} {y}")
            }
            Lang::De => format!("{day:02}.{month:02}.{y}"),
        }
    }

    /// An RFC 3339 time as a date and an hour (UTC).
    pub fn time(self, text: &str) -> String {
        let hour = text.get(11..16).unwrap_or_default();
        format!("{}, {hour}", self.date(text))
    }

    /// A whole number with the language's thousands separator.
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self {
            Lang::En => ',',
            Lang::De => '.',
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }
}

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The words of one language.
pub struct Words {
    pub lang: &'static str,
    pub language: &'static str,
    pub apply: &'static str,
    pub skip_to_content: &'static str,
    pub main_navigation: &'static str,
    pub organization: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub sign_in_title: &'static str,
    pub staff_sign_in_title: &'static str,
    pub forgot_password: &'static str,
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub send_link: &'static str,
    pub forgot_sent: &'static str,
    pub back_to_sign_in: &'static str,
    pub new_password: &'static str,
    pub confirm_password: &'static str,
    pub current_password: &'static str,
    pub set_password: &'static str,
    pub reset_title: &'static str,
    pub reset_done: &'static str,
    pub accept_title: &'static str,
    pub accept_intro: &'static str,
    pub password_hint: &'static str,
    pub passwords_differ: &'static str,
    pub sign_out: &'static str,
    pub dashboard: &'static str,
    pub projects: &'static str,
    pub notifications: &'static str,
    pub settings: &'static str,
    pub welcome: &'static str,
    pub your_projects: &'static str,
    pub no_projects: &'static str,
    pub project: &'static str,
    pub gallery: &'static str,
    pub starts: &'static str,
    pub ends: &'static str,
    pub status: &'static str,
    pub progress: &'static str,
    pub status_active: &'static str,
    pub status_completed: &'static str,
    pub status_archived: &'static str,
    pub phases: &'static str,
    pub phase_pending: &'static str,
    pub phase_in_progress: &'static str,
    pub phase_done: &'static str,
    pub team: &'static str,
    pub account_manager: &'static str,
    pub send_email: &'static str,
    pub call: &'static str,
    pub unread_notifications: &'static str,
    pub recent_notifications: &'static str,
    pub no_notifications: &'static str,
    pub mark_read: &'static str,
    pub mark_all_read: &'static str,
    pub unread: &'static str,
    pub access_removed_title: &'static str,
    pub access_removed: &'static str,
    pub profile: &'static str,
    pub name: &'static str,
    pub company: &'static str,
    pub phone: &'static str,
    pub address: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub change_password: &'static str,
    pub password_changed: &'static str,
    pub sessions: &'static str,
    pub this_session: &'static str,
    pub end_this_session: &'static str,
    pub last_seen: &'static str,
    pub signed_in_at: &'static str,
    pub gallery_locked: &'static str,
    pub gallery_password: &'static str,
    pub open_gallery: &'static str,
    pub gallery_empty: &'static str,
    pub not_found_title: &'static str,
    pub forbidden_title: &'static str,
    pub error_title: &'static str,
    pub home: &'static str,
    pub customers: &'static str,
    pub staff: &'static str,
    pub search: &'static str,
    pub invite_customer: &'static str,
    pub invited: &'static str,
    pub status_invited: &'static str,
    pub status_deactivated: &'static str,
    pub status_no_account: &'static str,
    pub no_customers: &'static str,
    pub account_actions: &'static str,
    pub deactivate: &'static str,
    pub reactivate: &'static str,
    pub force_relogin: &'static str,
    pub confirm_deactivate: &'static str,
    pub done: &'static str,
    pub customers_field: &'static str,
    pub customers_hint: &'static str,
    pub save_customers: &'static str,
    pub assigned_customers: &'static str,
    pub all: &'static str,
    pub kind: &'static str,
    pub filter: &'static str,
    pub counts: &'static str,
    pub pending_invitations: &'static str,
    pub no_invitations: &'static str,
    pub resend: &'static str,
    pub cancel_invitation: &'static str,
    pub expires: &'static str,
    pub permissions: &'static str,
    pub org_default: &'static str,
    pub allowed: &'static str,
    pub not_allowed: &'static str,
    pub can_view_invoices: &'static str,
    pub can_approve_work: &'static str,
    pub can_add_comments: &'static str,
    pub can_submit_requests: &'static str,
    pub in_force: &'static str,
    pub save_permissions: &'static str,
    pub manage_galleries: &'static str,
    pub manage_galleries_hint: &'static str,
    pub save_projects: &'static str,
    pub erase: &'static str,
    pub erase_hint: &'static str,
    pub erase_confirm: &'static str,
    pub erase_mismatch: &'static str,
    pub erased: &'static str,
    pub save_profile: &'static str,
    pub role: &'static str,
    pub invite_staff: &'static str,
    pub change_role: &'static str,
    pub remove: &'static str,
    pub confirm_remove: &'static str,
    pub shared_with_you: &'static str,
    pub shared_many: &'static str,
    pub new_project: &'static str,
    pub create: &'static str,
    pub edit_project: &'static str,
    pub description: &'static str,
    pub cover_url: &'static str,
    pub guest_password: &'static str,
    pub guest_password_hint: &'static str,
    pub add_phase: &'static str,
    pub percent_complete: &'static str,
    pub delete: &'static str,
    pub save_phase: &'static str,
    pub has_guest_password: &'static str,
    pub outbox: &'static str,
    pub audit: &'static str,
    pub retry: &'static str,
    pub template: &'static str,
    pub recipient: &'static str,
    pub attempts: &'static str,
    pub last_error: &'static str,
    pub created: &'static str,
    pub action: &'static str,
    pub actor: &'static str,
    pub subject: &'static str,
    pub address_ip: &'static str,
    pub from_date: &'static str,
    pub to_date: &'static str,
    pub nothing_found: &'static str,
    pub status_queued: &'static str,
    pub status_held: &'static str,
    pub status_sent: &'static str,
    pub status_failed: &'static str,
    pub when: &'static str,
    pub title_field: &'static str,
    pub features: &'static str,
    pub branding: &'static str,
    pub company_name: &'static str,
    pub logo_url: &'static str,
    pub primary_color: &'static str,
    pub show_logo: &'static str,
    pub show_name: &'static str,
    pub sender_name: &'static str,
    pub preview: &'static str,
    pub show_team_members: &'static str,
    pub default_locale: &'static str,
    pub default_permissions: &'static str,
    pub save_settings: &'static str,
    pub feature_customer_portal: &'static str,
    pub feature_approvals: &'static str,
    pub feature_requests: &'static str,
    pub feature_documents: &'static str,
    pub feature_billing: &'static str,
    pub feature_gallery: &'static str,
    pub email_templates: &'static str,
    pub overridden: &'static str,
    pub default_template: &'static str,
    pub subject_field: &'static str,
    pub text_part: &'static str,
    pub html_part: &'static str,
    pub variables: &'static str,
    pub restore_default: &'static str,
    pub save_template: &'static str,
    pub preview_intro: &'static str,
    pub save_team: &'static str,
    pub role_title: &'static str,
    pub team_hint: &'static str,
    pub delete_project: &'static str,
    pub confirm_delete_project: &'static str,
    pub recent_activity: &'static str,
}

pub static EN: Words = Words {
    lang: "en",
    language: "Language",
    apply: "Apply",
    skip_to_content: "Skip to content",
    main_navigation: "Main",
    organization: "Organization",
    email: "Email",
    password: "Password",
    sign_in: "Sign in",
    sign_in_title: "Sign in to your portal",
    staff_sign_in_title: "Staff sign-in",
    forgot_password: "Forgot password?",
    forgot_title: "Reset your password",
    forgot_intro: "Enter your email address and we will send you a link to set a new password.",
    send_link: "Send link",
    forgot_sent: "If an account exists for that address, we have sent it a link. Check your inbox.",
    back_to_sign_in: "Back to sign in",
    new_password: "New password",
    confirm_password: "Confirm password",
    current_password: "Current password",
    set_password: "Set password",
    reset_title: "Choose a new password",
    reset_done: "Your password is set. Sign in with it now.",
    accept_title: "Accept your invitation",
    accept_intro: "Choose a password to open your portal.",
    password_hint: "At least 12 characters.",
    passwords_differ: "The two passwords are not the same.",
    sign_out: "Sign out",
    dashboard: "Dashboard",
    projects: "Projects",
    notifications: "Notifications",
    settings: "Settings",
    welcome: "Welcome",
    your_projects: "Your projects and galleries",
    no_projects: "Nothing has been shared with you yet.",
    project: "Project",
    gallery: "Gallery",
    starts: "Starts",
    ends: "Ends",
    status: "Status",
    progress: "Progress",
    status_active: "Active",
    status_completed: "Completed",
    status_archived: "Archived",
    phases: "Phases",
    phase_pending: "Pending",
    phase_in_progress: "In progress",
    phase_done: "Done",
    team: "Team",
    account_manager: "Your account manager",
    send_email: "Send email",
    call: "Call",
    unread_notifications: "Unread notifications",
    recent_notifications: "Recent notifications",
    no_notifications: "No notifications.",
    mark_read: "Mark read",
    mark_all_read: "Mark all read",
    unread: "Unread",
    access_removed_title: "Access removed",
    access_removed: "Your access to this project was removed. Ask your contact if you think this is a mistake.",
    profile: "Profile",
    name: "Name",
    company: "Company",
    phone: "Phone",
    address: "Address",
    save: "Save",
    saved: "Saved.",
    change_password: "Change password",
    password_changed: "Your password is changed; every other session has ended.",
    sessions: "Sessions",
    this_session: "This session",
    end_this_session: "End this session",
    last_seen: "Last seen",
    signed_in_at: "Signed in",
    gallery_locked: "This gallery is protected by a password.",
    gallery_password: "Gallery password",
    open_gallery: "Open gallery",
    gallery_empty: "This gallery has no pictures yet.",
    not_found_title: "Not found",
    forbidden_title: "Not allowed",
    error_title: "Something went wrong",
    home: "Home",
    customers: "Customers",
    staff: "Staff",
    search: "Search",
    invite_customer: "Invite customer",
    invited: "Invitation sent.",
    status_invited: "Invited",
    status_deactivated: "Deactivated",
    status_no_account: "No account",
    no_customers: "No customers found.",
    account_actions: "Account actions",
    deactivate: "Deactivate",
    reactivate: "Reactivate",
    force_relogin: "Force re-login",
    confirm_deactivate: "I understand the customer loses access at once",
    done: "Done.",
    customers_field: "Customers",
    customers_hint: "Select every customer who may see this project. Hold Ctrl or Cmd to select several.",
    save_customers: "Save customers",
    assigned_customers: "Who sees this project",
    all: "All",
    kind: "Kind",
    filter: "Filter",
    counts: "At a glance",
    pending_invitations: "Pending invitations",
    no_invitations: "No pending invitations.",
    resend: "Resend",
    cancel_invitation: "Cancel invitation",
    expires: "Expires",
    permissions: "Permissions",
    org_default: "Organization default",
    allowed: "Allowed",
    not_allowed: "Not allowed",
    can_view_invoices: "View invoices",
    can_approve_work: "Approve work",
    can_add_comments: "Add comments",
    can_submit_requests: "Submit requests",
    in_force: "in force",
    save_permissions: "Save permissions",
    manage_galleries: "Manage galleries",
    manage_galleries_hint: "Tick every project and gallery this customer may see; one save sets them all.",
    save_projects: "Save projects",
    erase: "Erase customer",
    erase_hint: "Erasing removes the profile for good and ends every session. Type the customer's email address to confirm.",
    erase_confirm: "Email address to confirm",
    erase_mismatch: "The address you typed is not the customer's.",
    erased: "The customer is erased.",
    save_profile: "Save profile",
    role: "Role",
    invite_staff: "Invite staff member",
    change_role: "Change role",
    remove: "Remove",
    confirm_remove: "Remove this member? Their sessions end at once.",
    shared_with_you: "Shared with you",
    shared_many: "new projects and galleries shared with you",
    new_project: "New project or gallery",
    create: "Create",
    edit_project: "Edit",
    description: "Description",
    cover_url: "Cover image URL (https)",
    guest_password: "Guest password",
    guest_password_hint: "Galleries only. Leave empty to keep the current one; a new one ends every guest's access.",
    add_phase: "Add phase",
    percent_complete: "Percent complete",
    delete: "Delete",
    save_phase: "Save phase",
    has_guest_password: "A guest password is set.",
    outbox: "Outbox",
    audit: "Audit trail",
    retry: "Retry",
    template: "Template",
    recipient: "Recipient",
    attempts: "Attempts",
    last_error: "Last error",
    created: "Created",
    action: "Action",
    actor: "Actor",
    subject: "Subject",
    address_ip: "IP address",
    from_date: "From",
    to_date: "To",
    nothing_found: "Nothing found.",
    status_queued: "Queued",
    status_held: "Held",
    status_sent: "Sent",
    status_failed: "Failed",
    when: "When",
    title_field: "Title",
    features: "Features",
    branding: "Branding",
    company_name: "Company name",
    logo_url: "Logo URL (https)",
    primary_color: "Primary colour",
    show_logo: "Show the logo",
    show_name: "Show the company name",
    sender_name: "Sender name of mails",
    preview: "Preview",
    show_team_members: "Customers see project teams",
    default_locale: "Default language",
    default_permissions: "Default permissions",
    save_settings: "Save settings",
    feature_customer_portal: "Customer portal",
    feature_approvals: "Approvals",
    feature_requests: "Requests",
    feature_documents: "Documents",
    feature_billing: "Billing",
    feature_gallery: "Gallery",
    email_templates: "Email templates",
    overridden: "Your own",
    default_template: "Default",
    subject_field: "Subject",
    text_part: "Text",
    html_part: "HTML",
    variables: "Variables",
    restore_default: "Restore the default",
    save_template: "Save template",
    preview_intro: "This is how the mail reads with sample values. Nothing is saved until you save.",
    save_team: "Save team",
    role_title: "Role on this project",
    team_hint: "Tick the staff members on this project; customers see them while the organization shows teams.",
    delete_project: "Delete this project",
    confirm_delete_project: "I understand its phases and assignments go with it",
    recent_activity: "Recent activity",
};

pub static DE: Words = Words {
    lang: "de",
    language: "Sprache",
    apply: "Übernehmen",
    skip_to_content: "Zum Inhalt springen",
    main_navigation: "Hauptmenü",
    organization: "Organisation",
    email: "E-Mail",
    password: "Passwort",
    sign_in: "Anmelden",
    sign_in_title: "Im Portal anmelden",
    staff_sign_in_title: "Anmeldung für Mitarbeitende",
    forgot_password: "Passwort vergessen?",
    forgot_title: "Passwort zurücksetzen",
    forgot_intro: "Geben Sie Ihre E-Mail-Adresse ein; wir senden Ihnen einen Link für ein neues Passwort.",
    send_link: "Link senden",
    forgot_sent: "Falls es ein Konto mit dieser Adresse gibt, haben wir einen Link geschickt. Sehen Sie in Ihr Postfach.",
    back_to_sign_in: "Zurück zur Anmeldung",
    new_password: "Neues Passwort",
    confirm_password: "Passwort bestätigen",
    current_password: "Aktuelles Passwort",
    set_password: "Passwort festlegen",
    reset_title: "Neues Passwort wählen",
    reset_done: "Ihr Passwort ist gesetzt. Melden Sie sich jetzt damit an.",
    accept_title: "Einladung annehmen",
    accept_intro: "Wählen Sie ein Passwort, um Ihr Portal zu öffnen.",
    password_hint: "Mindestens 12 Zeichen.",
    passwords_differ: "Die beiden Passwörter stimmen nicht überein.",
    sign_out: "Abmelden",
    dashboard: "Übersicht",
    projects: "Projekte",
    notifications: "Benachrichtigungen",
    settings: "Einstellungen",
    welcome: "Willkommen",
    your_projects: "Ihre Projekte und Galerien",
    no_projects: "Es wurde noch nichts mit Ihnen geteilt.",
    project: "Projekt",
    gallery: "Galerie",
    starts: "Beginn",
    ends: "Ende",
    status: "Status",
    progress: "Fortschritt",
    status_active: "Aktiv",
    status_completed: "Abgeschlossen",
    status_archived: "Archiviert",
    phases: "Phasen",
    phase_pending: "Ausstehend",
    phase_in_progress: "In Arbeit",
    phase_done: "Erledigt",
    team: "Team",
    account_manager: "Ihre Ansprechperson",
    send_email: "E-Mail senden",
    call: "Anrufen",
    unread_notifications: "Ungelesene Benachrichtigungen",
    recent_notifications: "Neueste Benachrichtigungen",
    no_notifications: "Keine Benachrichtigungen.",
    mark_read: "Als gelesen markieren",
    mark_all_read: "Alle als gelesen markieren",
    unread: "Ungelesen",
    access_removed_title: "Zugriff entfernt",
    access_removed: "Ihr Zugriff auf dieses Projekt wurde entfernt. Wenden Sie sich an Ihre Ansprechperson, falls das ein Irrtum ist.",
    profile: "Profil",
    name: "Name",
    company: "Firma",
    phone: "Telefon",
    address: "Adresse",
    save: "Speichern",
    saved: "Gespeichert.",
    change_password: "Passwort ändern",
    password_changed: "Ihr Passwort ist geändert; alle anderen Sitzungen sind beendet.",
    sessions: "Sitzungen",
    this_session: "Diese Sitzung",
    end_this_session: "Diese Sitzung beenden",
    last_seen: "Zuletzt aktiv",
    signed_in_at: "Angemeldet",
    gallery_locked: "Diese Galerie ist durch ein Passwort geschützt.",
    gallery_password: "Galerie-Passwort",
    open_gallery: "Galerie öffnen",
    gallery_empty: "Diese Galerie enthält noch keine Bilder.",
    not_found_title: "Nicht gefunden",
    forbidden_title: "Nicht erlaubt",
    error_title: "Etwas ist schiefgegangen",
    home: "Start",
    customers: "Kunden",
    staff: "Mitarbeitende",
    search: "Suchen",
    invite_customer: "Kunden einladen",
    invited: "Einladung verschickt.",
    status_invited: "Eingeladen",
    status_deactivated: "Deaktiviert",
    status_no_account: "Ohne Konto",
    no_customers: "Keine Kunden gefunden.",
    account_actions: "Kontoaktionen",
    deactivate: "Deaktivieren",
    reactivate: "Reaktivieren",
    force_relogin: "Neuanmeldung erzwingen",
    confirm_deactivate: "Mir ist klar, dass der Kunde sofort keinen Zugriff mehr hat",
    done: "Erledigt.",
    customers_field: "Kunden",
    customers_hint: "Wählen Sie alle Kunden, die dieses Projekt sehen dürfen. Mit Strg oder Cmd wählen Sie mehrere.",
    save_customers: "Kunden speichern",
    assigned_customers: "Wer dieses Projekt sieht",
    all: "Alle",
    kind: "Art",
    filter: "Filtern",
    counts: "Auf einen Blick",
    pending_invitations: "Offene Einladungen",
    no_invitations: "Keine offenen Einladungen.",
    resend: "Erneut senden",
    cancel_invitation: "Einladung zurückziehen",
    expires: "Läuft ab",
    permissions: "Berechtigungen",
    org_default: "Standard der Organisation",
    allowed: "Erlaubt",
    not_allowed: "Nicht erlaubt",
    can_view_invoices: "Rechnungen ansehen",
    can_approve_work: "Arbeiten freigeben",
    can_add_comments: "Kommentare schreiben",
    can_submit_requests: "Anfragen stellen",
    in_force: "gilt",
    save_permissions: "Berechtigungen speichern",
    manage_galleries: "Galerien verwalten",
    manage_galleries_hint: "Haken Sie jedes Projekt und jede Galerie an, die der Kunde sehen darf; ein Speichern setzt alle.",
    save_projects: "Projekte speichern",
    erase: "Kunden löschen",
    erase_hint: "Das Löschen entfernt das Profil endgültig und beendet alle Sitzungen. Geben Sie zur Bestätigung die E-Mail-Adresse des Kunden ein.",
    erase_confirm: "E-Mail-Adresse zur Bestätigung",
    erase_mismatch: "Die eingegebene Adresse ist nicht die des Kunden.",
    erased: "Der Kunde ist gelöscht.",
    save_profile: "Profil speichern",
    role: "Rolle",
    invite_staff: "Mitarbeitende einladen",
    change_role: "Rolle ändern",
    remove: "Entfernen",
    confirm_remove: "Dieses Mitglied entfernen? Seine Sitzungen enden sofort.",
    shared_with_you: "Mit Ihnen geteilt",
    shared_many: "neue Projekte und Galerien mit Ihnen geteilt",
    new_project: "Neues Projekt oder neue Galerie",
    create: "Anlegen",
    edit_project: "Bearbeiten",
    description: "Beschreibung",
    cover_url: "Titelbild-URL (https)",
    guest_password: "Gast-Passwort",
    guest_password_hint: "Nur für Galerien. Leer lassen, um das bisherige zu behalten; ein neues beendet jeden Gastzugang.",
    add_phase: "Phase hinzufügen",
    percent_complete: "Prozent erledigt",
    delete: "Löschen",
    save_phase: "Phase speichern",
    has_guest_password: "Ein Gast-Passwort ist gesetzt.",
    outbox: "Postausgang",
    audit: "Protokoll",
    retry: "Erneut versuchen",
    template: "Vorlage",
    recipient: "Empfänger",
    attempts: "Versuche",
    last_error: "Letzter Fehler",
    created: "Erstellt",
    action: "Aktion",
    actor: "Handelnde Person",
    subject: "Betroffen",
    address_ip: "IP-Adresse",
    from_date: "Von",
    to_date: "Bis",
    nothing_found: "Nichts gefunden.",
    status_queued: "Wartend",
    status_held: "Zurückgehalten",
    status_sent: "Gesendet",
    status_failed: "Fehlgeschlagen",
    when: "Wann",
    title_field: "Funktion",
    features: "Funktionen",
    branding: "Markenauftritt",
    company_name: "Firmenname",
    logo_url: "Logo-URL (https)",
    primary_color: "Hauptfarbe",
    show_logo: "Logo zeigen",
    show_name: "Firmennamen zeigen",
    sender_name: "Absendername der E-Mails",
    preview: "Vorschau",
    show_team_members: "Kunden sehen die Projektteams",
    default_locale: "Standardsprache",
    default_permissions: "Standardberechtigungen",
    save_settings: "Einstellungen speichern",
    feature_customer_portal: "Kundenportal",
    feature_approvals: "Freigaben",
    feature_requests: "Anfragen",
    feature_documents: "Dokumente",
    feature_billing: "Abrechnung",
    feature_gallery: "Galerie",
    email_templates: "E-Mail-Vorlagen",
    overridden: "Eigene",
    default_template: "Standard",
    subject_field: "Betreff",
    text_part: "Text",
    html_part: "HTML",
    variables: "Variablen",
    restore_default: "Standard wiederherstellen",
    save_template: "Vorlage speichern",
    preview_intro: "So liest sich die E-Mail mit Beispielwerten. Gespeichert wird erst beim Speichern.",
    save_team: "Team speichern",
    role_title: "Rolle in diesem Projekt",
    team_hint: "Haken Sie die Mitarbeitenden dieses Projekts an; Kunden sehen sie, solange die Organisation Teams zeigt.",
    delete_project: "Dieses Projekt löschen",
    confirm_delete_project: "Mir ist klar, dass seine Phasen und Zuordnungen mit gelöscht werden",
    recent_activity: "Letzte Aktivität",
};

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
            _ => "",
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
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_wins_then_the_profile_then_accept_language_then_the_org() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::ACCEPT_LANGUAGE,
            "fr, de;q=0.8, en;q=0.5".parse().unwrap(),
        );
        assert_eq!(Lang::choose(&headers, None, Some("en")), Lang::De);
        assert_eq!(Lang::choose(&headers, Some("en-GB"), None), Lang::En);
        headers.insert(http::header::COOKIE, "atrium_lang=de".parse().unwrap());
        assert_eq!(Lang::choose(&headers, Some("en"), None), Lang::De);
        assert_eq!(Lang::choose(&HeaderMap::new(), None, Some("de")), Lang::De);
        assert_eq!(Lang::choose(&HeaderMap::new(), None, None), Lang::En);
    }

    #[test]
    fn a_known_notice_is_worded_in_the_readers_language() {
        let params = serde_json::json!({"count": 1, "names": ["Smith House"]});
        let params = params.as_object().unwrap();
        let (title, body) = DE.notice("assignment", params).unwrap();
        assert_eq!(title, "Mit Ihnen geteilt: Smith House");
        assert_eq!(body, "Smith House");
        let two = serde_json::json!({"count": 2, "names": ["A", "B"]});
        assert_eq!(
            EN.notice("assignment", two.as_object().unwrap()).unwrap().0,
            "2 new projects and galleries shared with you"
        );
        assert!(EN.notice("invoice.sent", params).is_none());
    }

    #[test]
    fn dates_and_numbers_follow_the_language() {
        assert_eq!(Lang::En.date("2026-03-07"), "7 Mar 2026");
        assert_eq!(Lang::De.date("2026-03-07T10:00:00Z"), "07.03.2026");
        assert_eq!(Lang::De.number(1234567), "1.234.567");
        assert_eq!(Lang::En.number(-1234), "-1,234");
    }
}
