//! The organization's branding as the portal holds it now, asked when a mail is rendered,
//! so every service's mail carries it and a change reaches the next mail sent. What the
//! organization left empty is filled from the sender's own names, which also stand alone
//! when the portal cannot be asked (a notifier run by itself, or the portal down).

use atrium_common::grpc::ServiceChannel;
use atrium_proto::portal::v1 as portal;
use portal::settings_service_client::SettingsServiceClient;

use crate::email::Email;

/// Where the portal's branding is read; `None` leaves the sender's names as they are.
pub type BrandingSource = Option<SettingsServiceClient<ServiceChannel>>;

/// The names a mail's template and signature show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailBranding {
    pub org_name: String,
    pub logo_url: String,
    pub sender_name: String,
}

/// The branding `email` goes out with.
pub async fn of(source: &BrandingSource, email: &Email) -> MailBranding {
    let sent = MailBranding {
        org_name: email.org_name.clone(),
        logo_url: email.logo_url.clone(),
        sender_name: email.sender_name.clone(),
    };
    let Some(client) = source else {
        return sent;
    };
    let request = portal::GetBrandingRequest {
        org_id: email.org_id.to_string(),
    };
    let request = atrium_common::auth::Principal::service().request(request);
    match client.clone().get_branding(request).await {
        Ok(response) => match response.into_inner().branding {
            Some(branding) => merge(branding, sent),
            None => sent,
        },
        Err(status) => {
            tracing::warn!(email_id = %email.email_id, error = %status.message(), "branding unavailable: the mail keeps its sender's names");
            sent
        }
    }
}

/// The organization's choices first; its logo only while it shows one.
fn merge(branding: portal::Branding, sent: MailBranding) -> MailBranding {
    let chosen = |text: String, otherwise: String| if text.is_empty() { otherwise } else { text };
    MailBranding {
        org_name: chosen(branding.company_name, sent.org_name),
        logo_url: if branding.show_logo {
            chosen(branding.logo_url, sent.logo_url)
        } else {
            String::new()
        },
        sender_name: chosen(branding.sender_name, sent.sender_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent() -> MailBranding {
        MailBranding {
            org_name: "Acme Ltd".into(),
            logo_url: String::new(),
            sender_name: "Jane".into(),
        }
    }

    #[test]
    fn the_organizations_choices_win_and_its_empty_ones_keep_the_senders() {
        let branding = portal::Branding {
            company_name: "Acme Studio".into(),
            logo_url: "https://cdn.acme.test/logo.png".into(),
            show_logo: true,
            ..Default::default()
        };
        assert_eq!(
            merge(branding, sent()),
            MailBranding {
                org_name: "Acme Studio".into(),
                logo_url: "https://cdn.acme.test/logo.png".into(),
                sender_name: "Jane".into(),
            }
        );
    }

    #[test]
    fn a_hidden_logo_is_left_out() {
        let branding = portal::Branding {
            logo_url: "https://cdn.acme.test/logo.png".into(),
            show_logo: false,
            sender_name: "Acme Support".into(),
            ..Default::default()
        };
        let merged = merge(branding, sent());
        assert_eq!(merged.logo_url, "");
        assert_eq!(merged.org_name, "Acme Ltd");
        assert_eq!(merged.sender_name, "Acme Support");
    }
}
