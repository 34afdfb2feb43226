//! The gRPC clients the gateway calls, one channel per service, plus the plain probe
//! channels `/readyz` asks for health. What each method is comes from its row in
//! [`atrium_common::access`], which the channels read on every call: a read (safe to ask
//! another replica again) or a write, unary (a whole-call deadline) or streaming (an
//! idle timeout); no call site says it again.

use atrium_common::config::{ServiceName, Settings};
use atrium_common::grpc::{ServiceChannel, connect, probe_channel};
use atrium_proto::billing::v1::billing_settings_service_client::BillingSettingsServiceClient;
use atrium_proto::billing::v1::credit_note_service_client::CreditNoteServiceClient;
use atrium_proto::billing::v1::customer_credit_note_service_client::CustomerCreditNoteServiceClient;
use atrium_proto::billing::v1::customer_invoice_service_client::CustomerInvoiceServiceClient;
use atrium_proto::billing::v1::customer_ledger_service_client::CustomerLedgerServiceClient;
use atrium_proto::billing::v1::customer_order_service_client::CustomerOrderServiceClient;
use atrium_proto::billing::v1::customer_payment_service_client::CustomerPaymentServiceClient;
use atrium_proto::billing::v1::customer_pdf_service_client::CustomerPdfServiceClient;
use atrium_proto::billing::v1::customer_quote_service_client::CustomerQuoteServiceClient;
use atrium_proto::billing::v1::invoice_service_client::InvoiceServiceClient;
use atrium_proto::billing::v1::ledger_service_client::LedgerServiceClient;
use atrium_proto::billing::v1::order_service_client::OrderServiceClient;
use atrium_proto::billing::v1::payment_service_client::PaymentServiceClient;
use atrium_proto::billing::v1::pdf_service_client::PdfServiceClient;
use atrium_proto::billing::v1::quote_service_client::QuoteServiceClient;
use atrium_proto::billing::v1::sending_service_client::SendingServiceClient;
use atrium_proto::documents::v1::customer_document_service_client::CustomerDocumentServiceClient;
use atrium_proto::documents::v1::customer_gallery_service_client::CustomerGalleryServiceClient;
use atrium_proto::documents::v1::document_service_client::DocumentServiceClient;
use atrium_proto::documents::v1::file_service_client::FileServiceClient;
use atrium_proto::documents::v1::gallery_service_client::GalleryServiceClient;
use atrium_proto::documents::v1::guest_item_service_client::GuestItemServiceClient;
use atrium_proto::documents::v1::logo_service_client::LogoServiceClient;
use atrium_proto::documents::v1::share_link_service_client::ShareLinkServiceClient;
use atrium_proto::identity::v1::audit_service_client::AuditServiceClient;
use atrium_proto::identity::v1::customer_auth_service_client::CustomerAuthServiceClient;
use atrium_proto::identity::v1::customer_service_client::CustomerServiceClient;
use atrium_proto::identity::v1::organization_service_client::OrganizationServiceClient;
use atrium_proto::identity::v1::staff_auth_service_client::StaffAuthServiceClient;
use atrium_proto::identity::v1::staff_service_client::StaffServiceClient;
use atrium_proto::notifier::v1::email_service_client::EmailServiceClient;
use atrium_proto::notifier::v1::notification_service_client::NotificationServiceClient;
use atrium_proto::notifier::v1::template_service_client::TemplateServiceClient;
use atrium_proto::portal::v1::approval_service_client::ApprovalServiceClient;
use atrium_proto::portal::v1::assignment_service_client::AssignmentServiceClient;
use atrium_proto::portal::v1::customer_approval_service_client::CustomerApprovalServiceClient;
use atrium_proto::portal::v1::customer_permission_service_client::CustomerPermissionServiceClient;
use atrium_proto::portal::v1::customer_project_service_client::CustomerProjectServiceClient;
use atrium_proto::portal::v1::customer_request_service_client::CustomerRequestServiceClient;
use atrium_proto::portal::v1::dashboard_service_client::DashboardServiceClient;
use atrium_proto::portal::v1::guest_gallery_service_client::GuestGalleryServiceClient;
use atrium_proto::portal::v1::project_comment_service_client::ProjectCommentServiceClient;
use atrium_proto::portal::v1::project_service_client::ProjectServiceClient;
use atrium_proto::portal::v1::request_service_client::RequestServiceClient;
use atrium_proto::portal::v1::settings_service_client::SettingsServiceClient;
use tonic::transport::Channel;

#[derive(Clone)]
pub struct Clients {
    pub organizations: OrganizationServiceClient<ServiceChannel>,
    pub staff_auth: StaffAuthServiceClient<ServiceChannel>,
    pub staff: StaffServiceClient<ServiceChannel>,
    pub customer_auth: CustomerAuthServiceClient<ServiceChannel>,
    pub customers: CustomerServiceClient<ServiceChannel>,
    pub audit: AuditServiceClient<ServiceChannel>,
    pub projects: ProjectServiceClient<ServiceChannel>,
    pub assignments: AssignmentServiceClient<ServiceChannel>,
    pub my_projects: CustomerProjectServiceClient<ServiceChannel>,
    pub requests: RequestServiceClient<ServiceChannel>,
    pub my_requests: CustomerRequestServiceClient<ServiceChannel>,
    pub comments: ProjectCommentServiceClient<ServiceChannel>,
    pub approvals: ApprovalServiceClient<ServiceChannel>,
    pub my_approvals: CustomerApprovalServiceClient<ServiceChannel>,
    pub settings: SettingsServiceClient<ServiceChannel>,
    pub permissions: CustomerPermissionServiceClient<ServiceChannel>,
    pub dashboard: DashboardServiceClient<ServiceChannel>,
    pub guests: GuestGalleryServiceClient<ServiceChannel>,
    pub email: EmailServiceClient<ServiceChannel>,
    pub templates: TemplateServiceClient<ServiceChannel>,
    pub notifications: NotificationServiceClient<ServiceChannel>,
    pub documents: DocumentServiceClient<ServiceChannel>,
    pub my_documents: CustomerDocumentServiceClient<ServiceChannel>,
    pub gallery: GalleryServiceClient<ServiceChannel>,
    pub my_gallery: CustomerGalleryServiceClient<ServiceChannel>,
    /// Attachments other services own (an approval's files).
    pub files: FileServiceClient<ServiceChannel>,
    pub guest_items: GuestItemServiceClient<ServiceChannel>,
    pub logos: LogoServiceClient<ServiceChannel>,
    pub invoices: InvoiceServiceClient<ServiceChannel>,
    pub billing_settings: BillingSettingsServiceClient<ServiceChannel>,
    pub ledger: LedgerServiceClient<ServiceChannel>,
    pub my_invoices: CustomerInvoiceServiceClient<ServiceChannel>,
    pub my_ledger: CustomerLedgerServiceClient<ServiceChannel>,
    pub credit_notes: CreditNoteServiceClient<ServiceChannel>,
    pub payments: PaymentServiceClient<ServiceChannel>,
    pub my_credit_notes: CustomerCreditNoteServiceClient<ServiceChannel>,
    pub my_payments: CustomerPaymentServiceClient<ServiceChannel>,
    pub quotes: QuoteServiceClient<ServiceChannel>,
    pub orders: OrderServiceClient<ServiceChannel>,
    pub my_quotes: CustomerQuoteServiceClient<ServiceChannel>,
    pub my_orders: CustomerOrderServiceClient<ServiceChannel>,
    pub pdfs: PdfServiceClient<ServiceChannel>,
    pub my_pdfs: CustomerPdfServiceClient<ServiceChannel>,
    pub sending: SendingServiceClient<ServiceChannel>,
    pub links: ShareLinkServiceClient<ServiceChannel>,
    pub probes: Vec<(ServiceName, Channel)>,
}

impl Clients {
    pub fn new(settings: &Settings) -> anyhow::Result<Clients> {
        let identity = connect(settings, ServiceName::Identity)?;
        let notifier = connect(settings, ServiceName::Notifier)?;
        let portal = connect(settings, ServiceName::Portal)?;
        let documents = connect(settings, ServiceName::Documents)?;
        let billing = connect(settings, ServiceName::Billing)?;
        let probes = ServiceName::ALL
            .into_iter()
            .map(|name| Ok((name, probe_channel(&settings.endpoint(name).url)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Clients {
            organizations: OrganizationServiceClient::new(identity.clone()),
            staff_auth: StaffAuthServiceClient::new(identity.clone()),
            customer_auth: CustomerAuthServiceClient::new(identity.clone()),
            customers: CustomerServiceClient::new(identity.clone()),
            audit: AuditServiceClient::new(identity.clone()),
            staff: StaffServiceClient::new(identity),
            projects: ProjectServiceClient::new(portal.clone()),
            assignments: AssignmentServiceClient::new(portal.clone()),
            my_projects: CustomerProjectServiceClient::new(portal.clone()),
            requests: RequestServiceClient::new(portal.clone()),
            my_requests: CustomerRequestServiceClient::new(portal.clone()),
            comments: ProjectCommentServiceClient::new(portal.clone()),
            approvals: ApprovalServiceClient::new(portal.clone()),
            my_approvals: CustomerApprovalServiceClient::new(portal.clone()),
            settings: SettingsServiceClient::new(portal.clone()),
            permissions: CustomerPermissionServiceClient::new(portal.clone()),
            dashboard: DashboardServiceClient::new(portal.clone()),
            guests: GuestGalleryServiceClient::new(portal),
            email: EmailServiceClient::new(notifier.clone()),
            templates: TemplateServiceClient::new(notifier.clone()),
            notifications: NotificationServiceClient::new(notifier),
            documents: DocumentServiceClient::new(documents.clone()),
            my_documents: CustomerDocumentServiceClient::new(documents.clone()),
            gallery: GalleryServiceClient::new(documents.clone()),
            my_gallery: CustomerGalleryServiceClient::new(documents.clone()),
            files: FileServiceClient::new(documents.clone()),
            guest_items: GuestItemServiceClient::new(documents.clone()),
            logos: LogoServiceClient::new(documents.clone()),
            links: ShareLinkServiceClient::new(documents),
            invoices: InvoiceServiceClient::new(billing.clone()),
            billing_settings: BillingSettingsServiceClient::new(billing.clone()),
            ledger: LedgerServiceClient::new(billing.clone()),
            my_invoices: CustomerInvoiceServiceClient::new(billing.clone()),
            my_ledger: CustomerLedgerServiceClient::new(billing.clone()),
            credit_notes: CreditNoteServiceClient::new(billing.clone()),
            payments: PaymentServiceClient::new(billing.clone()),
            my_credit_notes: CustomerCreditNoteServiceClient::new(billing.clone()),
            my_payments: CustomerPaymentServiceClient::new(billing.clone()),
            quotes: QuoteServiceClient::new(billing.clone()),
            orders: OrderServiceClient::new(billing.clone()),
            my_quotes: CustomerQuoteServiceClient::new(billing.clone()),
            my_orders: CustomerOrderServiceClient::new(billing.clone()),
            pdfs: PdfServiceClient::new(billing.clone()),
            my_pdfs: CustomerPdfServiceClient::new(billing.clone()),
            sending: SendingServiceClient::new(billing),
            probes,
        })
    }
}
