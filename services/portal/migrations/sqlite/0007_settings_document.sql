-- The organization's settings become one document (atrium_common::settings::OrgSettings
-- as JSON), so a new setting needs no column: a field absent from an older document
-- reads with its default. Rows saved before are carried over field by field.
alter table org_settings add column document text not null default '{}';

update org_settings set document = json_object(
    'features', json_object(
        'customer_portal', json(iif(feature_customer_portal, 'true', 'false')),
        'approvals', json(iif(feature_approvals, 'true', 'false')),
        'requests', json(iif(feature_requests, 'true', 'false')),
        'documents', json(iif(feature_documents, 'true', 'false')),
        'billing', json(iif(feature_billing, 'true', 'false')),
        'gallery', json(iif(feature_gallery, 'true', 'false'))),
    'branding', json_object(
        'company_name', company_name,
        'logo_url', logo_url,
        'primary_color', primary_color,
        'show_logo', json(iif(show_logo, 'true', 'false')),
        'show_name', json(iif(show_name, 'true', 'false')),
        'sender_name', sender_name),
    'show_team_members', json(iif(show_team_members, 'true', 'false')),
    'default_locale', default_locale,
    'default_permissions', json_object(
        'can_view_invoices', json(iif(can_view_invoices, 'true', 'false')),
        'can_approve_work', json(iif(can_approve_work, 'true', 'false')),
        'can_add_comments', json(iif(can_add_comments, 'true', 'false')),
        'can_submit_requests', json(iif(can_submit_requests, 'true', 'false'))));

alter table org_settings drop column feature_customer_portal;
alter table org_settings drop column feature_approvals;
alter table org_settings drop column feature_requests;
alter table org_settings drop column feature_documents;
alter table org_settings drop column feature_billing;
alter table org_settings drop column feature_gallery;
alter table org_settings drop column company_name;
alter table org_settings drop column logo_url;
alter table org_settings drop column primary_color;
alter table org_settings drop column show_logo;
alter table org_settings drop column show_name;
alter table org_settings drop column sender_name;
alter table org_settings drop column show_team_members;
alter table org_settings drop column default_locale;
alter table org_settings drop column can_view_invoices;
alter table org_settings drop column can_approve_work;
alter table org_settings drop column can_add_comments;
alter table org_settings drop column can_submit_requests;
