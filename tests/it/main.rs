//! End-to-end tests of the assembled binary: services on loopback, the gateway over
//! HTTP, real SQL (SQLite, or PostgreSQL with ATRIUM_TEST_DATABASE_URL).

mod support;

mod approvals;
mod audit;
mod bootstrap;
mod comments;
mod console_billing;
mod console_files;
mod customer_invitation;
mod customer_lockout;
mod documents;
mod documents_http;
mod email_settings;
mod faults;
mod gallery;
mod health;
mod invoices;
mod link_pages;
mod link_subjects;
mod links;
mod log_secrets;
mod migrations;
mod no_account;
mod notifications;
mod openapi;
mod outbox_relay;
mod pages;
mod payments;
mod pdfs;
mod platform;
mod portal_access;
mod portal_outbox;
mod portal_property;
mod portal_settings;
mod processes;
mod quotes;
mod requests;
mod service_token;
mod staff_management;
mod staff_session;
