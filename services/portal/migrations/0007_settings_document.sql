-- The organization's settings become one document (atrium_common::settings::OrgSettings
-- as JSON), so a new setting needs no column: a field absent from an older document
-- reads with its default. Rows saved before are carried over field by field.
alter table org_settings add column document text;

update org_settings set document = jsonb_build_object(
    'features', jsonb_build_object(
        'customer_portal', feature_customer_portal,
        'approvals', feature_approvals,
        'requests', feature_requests,
        'documents', feature_documents,
        'billing', feature_billing,
        'gallery', feature_gallery),
    'branding', jsonb_build_object(
        'company_name', company_name,
        'logo_url', logo_url,
        'primary_color', primary_color,
        'show_logo', show_logo,
        'show_name', show_name,
        'sender_name', sender_name),
    'show_team_members', show_team_members,
    'default_locale', default_locale,
    'default_permissions', jsonb_build_object(
        'can_view_invoices', can_view_invoices,
        'can_approve_work', can_approve_work,
        'can_add_comments', can_add_comments,
        'can_submit_requests', can_submit_requests))::text;

alter table org_settings alter column document set not null;

alter table org_settings
    drop column feature_customer_portal,
    drop column feature_approvals,
    drop column feature_requests,
    drop column feature_documents,
    drop column feature_billing,
    drop column feature_gallery,
    drop column company_name,
    drop column logo_url,
    drop column primary_color,
    drop column show_logo,
    drop column show_name,
    drop column sender_name,
    drop column show_team_members,
    drop column default_locale,
    drop column can_view_invoices,
    drop column can_approve_work,
    drop column can_add_comments,
    drop column can_submit_requests;
