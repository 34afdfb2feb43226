//! A GDPR erase relayed to the notifier finds the customer's mail whatever the case of
//! the address, in any script (SQLite's `lower()` folds ASCII only).

use atrium_common::auth::Principal;
use atrium_proto::common::v1::EraseCustomerRequest;
use atrium_proto::notifier::v1::erasure_service_client::ErasureServiceClient;
use uuid::Uuid;

use crate::helpers::{TestNotifier, invitation};

#[tokio::test]
async fn an_erase_finds_mail_to_the_address_in_another_case_of_a_non_ascii_letter() {
    let notifier = TestNotifier::start(None).await;
    let org = Uuid::new_v4();
    for (key, to) in [
        ("upper", "ÅSA@Customer.Test"),
        ("lower", "åsa@customer.test"),
        ("other", "bob@customer.test"),
    ] {
        notifier.enqueue(invitation(org, key, to)).await.unwrap();
    }

    let mut erasure = ErasureServiceClient::new(notifier.channel.clone());
    erasure
        .erase_customer(Principal::service().request(EraseCustomerRequest {
            org_id: org.to_string(),
            customer_id: Uuid::new_v4().to_string(),
            email: "Åsa@CUSTOMER.test".into(),
        }))
        .await
        .unwrap();
    let left: Vec<String> = notifier
        .outbox(org)
        .await
        .into_iter()
        .map(|entry| entry.recipient_email)
        .collect();

    assert_eq!(left, vec!["bob@customer.test".to_owned()]);
}
