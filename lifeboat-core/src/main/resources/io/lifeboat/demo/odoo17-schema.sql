-- Odoo 17 tables that backup, restore and integrity checks care about, column for column as
-- Odoo 17.0 creates them; small reference tables; and the big business tables (accounting, chatter,
-- stock, sales) with their main columns. Indexes, foreign keys and CHECK/UNIQUE constraints follow
-- the marker line: they are built after the data is loaded, as a restore of pg_dump's output does.

CREATE TABLE res_company (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    partner_id integer NOT NULL,
    currency_id integer NOT NULL,
    sequence integer,
    create_date timestamp without time zone,
    parent_path character varying,
    parent_id integer,
    paperformat_id integer,
    external_report_layout_id integer,
    create_uid integer,
    write_uid integer,
    email character varying,
    phone character varying,
    mobile character varying,
    font character varying,
    primary_color character varying,
    secondary_color character varying,
    layout_background character varying NOT NULL,
    report_header jsonb,
    report_footer jsonb,
    company_details jsonb,
    active boolean,
    uses_default_logo boolean,
    write_date timestamp without time zone,
    logo_web bytea,
    alias_domain_id integer,
    alias_domain_name character varying,
    email_primary_color character varying,
    email_secondary_color character varying,
    partner_gid integer,
    iap_enrich_auto_done boolean,
    snailmail_color boolean,
    snailmail_cover boolean,
    snailmail_duplex boolean,
    CONSTRAINT res_company_name_uniq UNIQUE (name)
);

CREATE TABLE res_partner (
    id serial NOT NULL PRIMARY KEY,
    company_id integer,
    create_date timestamp without time zone,
    name character varying,
    title integer,
    parent_id integer,
    user_id integer,
    state_id integer,
    country_id integer,
    industry_id integer,
    team_id integer,
    color integer,
    commercial_partner_id integer,
    create_uid integer,
    write_uid integer,
    complete_name character varying,
    ref character varying,
    lang character varying,
    tz character varying,
    vat character varying,
    company_registry character varying,
    website character varying,
    function character varying,
    type character varying,
    street character varying,
    street2 character varying,
    zip character varying,
    city character varying,
    email character varying,
    phone character varying,
    mobile character varying,
    commercial_company_name character varying,
    company_name character varying,
    date date,
    comment text,
    partner_latitude numeric,
    partner_longitude numeric,
    active boolean,
    employee boolean,
    is_company boolean,
    partner_share boolean,
    write_date timestamp without time zone,
    message_bounce integer,
    email_normalized character varying,
    signup_type character varying,
    signup_expiration timestamp without time zone,
    signup_token character varying,
    partner_gid integer,
    additional_info character varying,
    phone_sanitized character varying,
    CONSTRAINT res_partner_check_name CHECK (((((type)::text = 'contact'::text) AND (name IS NOT NULL)) OR ((type)::text <> 'contact'::text)))
);

CREATE TABLE res_users (
    id serial NOT NULL PRIMARY KEY,
    company_id integer NOT NULL,
    partner_id integer NOT NULL,
    active boolean DEFAULT true,
    create_date timestamp without time zone,
    login character varying NOT NULL,
    password character varying,
    action_id integer,
    create_uid integer,
    write_uid integer,
    signature text,
    share boolean,
    write_date timestamp without time zone,
    totp_secret character varying,
    notification_type character varying NOT NULL,
    odoobot_state character varying,
    odoobot_failed boolean,
    CONSTRAINT res_users_login_key UNIQUE (login),
    CONSTRAINT res_users_notification_type CHECK ((((notification_type)::text = 'email'::text) OR (NOT share)))
);

CREATE TABLE ir_config_parameter (
    id serial NOT NULL PRIMARY KEY,
    create_uid integer,
    write_uid integer,
    key character varying NOT NULL,
    value text NOT NULL,
    create_date timestamp without time zone,
    write_date timestamp without time zone,
    CONSTRAINT ir_config_parameter_key_uniq UNIQUE (key)
);

CREATE TABLE ir_module_module (
    id serial NOT NULL PRIMARY KEY,
    create_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone,
    write_uid integer,
    website character varying,
    summary jsonb,
    name character varying NOT NULL,
    author character varying,
    icon character varying,
    state character varying(16),
    latest_version character varying,
    shortdesc jsonb,
    category_id integer,
    description jsonb,
    application boolean DEFAULT false,
    demo boolean DEFAULT false,
    web boolean DEFAULT false,
    license character varying(32),
    sequence integer DEFAULT 100,
    auto_install boolean DEFAULT false,
    to_buy boolean DEFAULT false,
    maintainer character varying,
    published_version character varying,
    url character varying,
    contributors text,
    menus_by_module text,
    reports_by_module text,
    views_by_module text,
    module_type character varying,
    imported boolean,
    CONSTRAINT ir_module_module_name_uniq UNIQUE (name)
);

CREATE TABLE ir_model_data (
    id serial NOT NULL PRIMARY KEY,
    create_uid integer,
    create_date timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC'::text),
    write_date timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC'::text),
    write_uid integer,
    res_id integer,
    noupdate boolean DEFAULT false,
    name character varying NOT NULL,
    module character varying NOT NULL,
    model character varying NOT NULL,
    CONSTRAINT ir_model_data_name_nospaces CHECK (((name)::text !~~ '%% %%'::text))
);

CREATE TABLE ir_cron (
    id serial NOT NULL PRIMARY KEY,
    ir_actions_server_id integer NOT NULL,
    user_id integer NOT NULL,
    interval_number integer,
    numbercall integer,
    priority integer,
    create_uid integer,
    write_uid integer,
    cron_name character varying,
    interval_type character varying,
    active boolean,
    doall boolean,
    nextcall timestamp without time zone NOT NULL,
    lastcall timestamp without time zone,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE ir_mail_server (
    id serial NOT NULL PRIMARY KEY,
    smtp_port integer,
    sequence integer,
    create_uid integer,
    write_uid integer,
    name character varying NOT NULL,
    from_filter character varying,
    smtp_host character varying,
    smtp_authentication character varying NOT NULL,
    smtp_user character varying,
    smtp_pass character varying,
    smtp_encryption character varying NOT NULL,
    smtp_debug boolean,
    active boolean,
    create_date timestamp without time zone,
    write_date timestamp without time zone,
    smtp_ssl_certificate bytea,
    smtp_ssl_private_key bytea,
    google_gmail_access_token_expiration integer,
    google_gmail_authorization_code character varying,
    google_gmail_refresh_token character varying,
    google_gmail_access_token character varying
);

CREATE TABLE fetchmail_server (
    id serial NOT NULL PRIMARY KEY,
    port integer,
    object_id integer,
    priority integer,
    create_uid integer,
    write_uid integer,
    name character varying NOT NULL,
    state character varying,
    server character varying,
    server_type character varying NOT NULL,
    "user" character varying,
    password character varying,
    script character varying,
    configuration text,
    active boolean,
    is_ssl boolean,
    attach boolean,
    original boolean,
    date timestamp without time zone,
    create_date timestamp without time zone,
    write_date timestamp without time zone,
    google_gmail_access_token_expiration integer,
    google_gmail_authorization_code character varying,
    google_gmail_refresh_token character varying,
    google_gmail_access_token character varying
);

CREATE TABLE ir_attachment (
    id serial NOT NULL PRIMARY KEY,
    res_id integer,
    company_id integer,
    file_size integer,
    create_uid integer,
    write_uid integer,
    name character varying NOT NULL,
    res_model character varying,
    res_field character varying,
    type character varying NOT NULL,
    url character varying(1024),
    access_token character varying,
    store_fname character varying,
    checksum character varying(40),
    mimetype character varying,
    description text,
    index_content text,
    public boolean,
    create_date timestamp without time zone,
    write_date timestamp without time zone,
    db_datas bytea,
    original_id integer
);

CREATE TABLE sale_order (
    id serial NOT NULL PRIMARY KEY,
    partner_id integer NOT NULL,
    company_id integer NOT NULL,
    name character varying NOT NULL,
    state character varying,
    client_order_ref character varying,
    date_order timestamp without time zone NOT NULL,
    amount_untaxed numeric,
    amount_tax numeric,
    amount_total numeric,
    note text,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone
);

CREATE TABLE sale_order_line (
    id serial NOT NULL PRIMARY KEY,
    order_id integer NOT NULL,
    sequence integer,
    name text NOT NULL,
    product_uom_qty numeric NOT NULL,
    price_unit numeric NOT NULL,
    discount numeric,
    price_subtotal numeric,
    state character varying,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone
);

-- Reference tables the big tables point to (a few rows each), with the columns that matter.

CREATE TABLE res_currency (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    symbol character varying NOT NULL,
    full_name character varying,
    decimal_places integer,
    create_uid integer,
    write_uid integer,
    "position" character varying,
    currency_unit_label jsonb,
    currency_subunit_label jsonb,
    rounding numeric,
    active boolean,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE res_country (
    id serial NOT NULL PRIMARY KEY,
    code character varying(2),
    name jsonb NOT NULL,
    phone_code integer,
    currency_id integer,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE res_country_state (
    id serial NOT NULL PRIMARY KEY,
    country_id integer NOT NULL,
    name character varying NOT NULL,
    code character varying NOT NULL,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE res_partner_title (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    shortcut jsonb,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE res_partner_industry (
    id serial NOT NULL PRIMARY KEY,
    name jsonb,
    full_name jsonb,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE crm_team (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    sequence integer,
    company_id integer,
    user_id integer,
    color integer,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE mail_alias_domain (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    sequence integer,
    bounce_alias character varying NOT NULL,
    catchall_alias character varying NOT NULL,
    default_from character varying,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE mail_message_subtype (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    description jsonb,
    res_model character varying,
    relation_field character varying,
    sequence integer,
    internal boolean,
    "default" boolean,
    hidden boolean,
    track_recipients boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE mail_activity_type (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    summary jsonb,
    sequence integer,
    delay_count integer,
    delay_unit character varying NOT NULL,
    res_model character varying,
    category character varying,
    icon character varying,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE mail_guest (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    access_token character varying NOT NULL,
    country_id integer,
    lang character varying,
    timezone character varying,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE ir_model_fields (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    complete_name character varying,
    model character varying NOT NULL,
    relation character varying,
    relation_field character varying,
    model_id integer NOT NULL,
    field_description jsonb NOT NULL,
    ttype character varying NOT NULL,
    state character varying NOT NULL,
    tracking integer,
    store boolean,
    index boolean,
    readonly boolean,
    required boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE uom_uom (
    id serial NOT NULL PRIMARY KEY,
    category_id integer NOT NULL,
    name jsonb NOT NULL,
    uom_type character varying NOT NULL,
    factor numeric NOT NULL,
    rounding numeric NOT NULL,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE product_product (
    id serial NOT NULL PRIMARY KEY,
    product_tmpl_id integer NOT NULL,
    default_code character varying,
    barcode character varying,
    combination_indices character varying,
    volume numeric,
    weight numeric,
    active boolean,
    can_image_variant_1024_be_zoomed boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_account (
    id serial NOT NULL PRIMARY KEY,
    currency_id integer,
    company_id integer NOT NULL,
    code character varying(64) NOT NULL,
    name jsonb NOT NULL,
    account_type character varying NOT NULL,
    internal_group character varying,
    note text,
    deprecated boolean,
    reconcile boolean,
    non_trade boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_journal (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    code character varying(5) NOT NULL,
    type character varying NOT NULL,
    company_id integer NOT NULL,
    default_account_id integer,
    currency_id integer,
    sequence integer,
    color integer,
    active boolean,
    restrict_mode_hash_table boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_tax_group (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    sequence integer,
    company_id integer NOT NULL,
    country_id integer,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_tax (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    type_tax_use character varying NOT NULL,
    amount_type character varying NOT NULL,
    amount numeric NOT NULL,
    tax_group_id integer NOT NULL,
    company_id integer NOT NULL,
    country_id integer NOT NULL,
    sequence integer,
    active boolean,
    price_include boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_tax_repartition_line (
    id serial NOT NULL PRIMARY KEY,
    tax_id integer,
    account_id integer,
    company_id integer,
    repartition_type character varying NOT NULL,
    document_type character varying NOT NULL,
    factor_percent numeric NOT NULL,
    sequence integer,
    use_in_tax_closing boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_reconcile_model (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    sequence integer NOT NULL,
    company_id integer NOT NULL,
    rule_type character varying NOT NULL,
    active boolean,
    auto_reconcile boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_payment (
    id serial NOT NULL PRIMARY KEY,
    move_id integer NOT NULL,
    partner_id integer,
    payment_type character varying NOT NULL,
    partner_type character varying NOT NULL,
    amount numeric,
    is_reconciled boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_bank_statement (
    id serial NOT NULL PRIMARY KEY,
    name character varying,
    reference character varying,
    journal_id integer,
    company_id integer,
    date date,
    balance_start numeric,
    balance_end_real numeric,
    is_complete boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_bank_statement_line (
    id serial NOT NULL PRIMARY KEY,
    move_id integer NOT NULL,
    statement_id integer,
    partner_id integer,
    payment_ref character varying,
    amount numeric,
    is_reconciled boolean,
    internal_index character varying NOT NULL,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_location (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    complete_name character varying,
    usage character varying NOT NULL,
    location_id integer,
    company_id integer,
    warehouse_id integer,
    parent_path character varying,
    barcode character varying,
    active boolean,
    scrap_location boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_warehouse (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    code character varying(5) NOT NULL,
    company_id integer NOT NULL,
    partner_id integer,
    view_location_id integer NOT NULL,
    lot_stock_id integer NOT NULL,
    reception_steps character varying NOT NULL,
    delivery_steps character varying NOT NULL,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_picking_type (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    code character varying NOT NULL,
    sequence_code character varying NOT NULL,
    warehouse_id integer,
    company_id integer NOT NULL,
    default_location_src_id integer,
    default_location_dest_id integer,
    sequence integer,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_rule (
    id serial NOT NULL PRIMARY KEY,
    name jsonb NOT NULL,
    action character varying NOT NULL,
    procure_method character varying NOT NULL,
    location_dest_id integer NOT NULL,
    location_src_id integer,
    picking_type_id integer,
    warehouse_id integer,
    company_id integer,
    sequence integer,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE procurement_group (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    move_type character varying NOT NULL,
    partner_id integer,
    sale_id integer,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_scrap (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    product_id integer NOT NULL,
    product_uom_id integer NOT NULL,
    scrap_qty numeric NOT NULL,
    location_id integer NOT NULL,
    scrap_location_id integer NOT NULL,
    company_id integer NOT NULL,
    state character varying,
    date_done timestamp without time zone,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_package_level (
    id serial NOT NULL PRIMARY KEY,
    package_id integer NOT NULL,
    picking_id integer,
    location_dest_id integer,
    company_id integer NOT NULL,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_warehouse_orderpoint (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    trigger character varying NOT NULL,
    warehouse_id integer NOT NULL,
    location_id integer NOT NULL,
    product_id integer NOT NULL,
    company_id integer NOT NULL,
    product_min_qty numeric NOT NULL,
    product_max_qty numeric NOT NULL,
    qty_multiple numeric NOT NULL,
    active boolean,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE product_packaging (
    id serial NOT NULL PRIMARY KEY,
    name character varying NOT NULL,
    product_id integer,
    company_id integer,
    qty numeric,
    barcode character varying,
    sequence integer,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

-- Bulk business tables: rows in proportion to Spec.bulkRows (sale_order and sale_order_line above).

CREATE TABLE account_move (
    id serial NOT NULL PRIMARY KEY,
    sequence_number integer,
    message_main_attachment_id integer,
    journal_id integer NOT NULL,
    company_id integer,
    payment_id integer,
    statement_line_id integer,
    tax_cash_basis_rec_id integer,
    tax_cash_basis_origin_move_id integer,
    auto_post_origin_id integer,
    secure_sequence_number integer,
    invoice_payment_term_id integer,
    partner_id integer,
    commercial_partner_id integer,
    partner_shipping_id integer,
    partner_bank_id integer,
    fiscal_position_id integer,
    currency_id integer NOT NULL,
    reversed_entry_id integer,
    invoice_user_id integer,
    team_id integer,
    create_uid integer,
    write_uid integer,
    sequence_prefix character varying,
    access_token character varying,
    name character varying,
    ref character varying,
    state character varying NOT NULL,
    move_type character varying NOT NULL,
    auto_post character varying NOT NULL,
    inalterable_hash character varying,
    payment_reference character varying,
    payment_state character varying,
    invoice_source_email character varying,
    invoice_partner_display_name character varying,
    invoice_origin character varying,
    date date NOT NULL,
    auto_post_until date,
    invoice_date date,
    invoice_date_due date,
    delivery_date date,
    narration text,
    amount_untaxed numeric,
    amount_tax numeric,
    amount_total numeric,
    amount_residual numeric,
    amount_untaxed_signed numeric,
    amount_tax_signed numeric,
    amount_total_signed numeric,
    amount_total_in_currency_signed numeric,
    amount_residual_signed numeric,
    is_storno boolean,
    always_tax_exigible boolean,
    to_check boolean,
    posted_before boolean,
    is_move_sent boolean,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_full_reconcile (
    id serial NOT NULL PRIMARY KEY,
    exchange_move_id integer,
    create_uid integer,
    write_uid integer,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE account_move_line (
    id serial NOT NULL PRIMARY KEY,
    move_id integer NOT NULL,
    journal_id integer,
    company_id integer NOT NULL,
    company_currency_id integer,
    sequence integer,
    account_id integer,
    currency_id integer NOT NULL,
    partner_id integer,
    reconcile_model_id integer,
    payment_id integer,
    statement_line_id integer,
    statement_id integer,
    group_tax_id integer,
    tax_line_id integer,
    tax_group_id integer,
    tax_repartition_line_id integer,
    full_reconcile_id integer,
    account_root_id integer,
    product_id integer,
    product_uom_id integer,
    create_uid integer,
    write_uid integer,
    move_name character varying,
    account_code character varying,
    parent_state character varying,
    ref character varying,
    name character varying,
    matching_number character varying,
    display_type character varying NOT NULL,
    date date NOT NULL,
    invoice_date date,
    date_maturity date,
    discount_date date,
    analytic_distribution jsonb,
    debit numeric,
    credit numeric,
    balance numeric,
    amount_currency numeric,
    tax_base_amount numeric,
    amount_residual numeric,
    amount_residual_currency numeric,
    price_subtotal numeric,
    price_total numeric,
    discount_amount_currency numeric,
    discount_balance numeric,
    quantity numeric,
    price_unit numeric,
    discount numeric,
    tax_tag_invert boolean,
    reconciled boolean,
    blocked boolean,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE mail_message (
    id serial NOT NULL PRIMARY KEY,
    parent_id integer,
    res_id integer,
    record_alias_domain_id integer,
    record_company_id integer,
    subtype_id integer,
    mail_activity_type_id integer,
    author_id integer,
    author_guest_id integer,
    mail_server_id integer,
    create_uid integer,
    write_uid integer,
    subject character varying,
    model character varying,
    record_name character varying,
    message_type character varying NOT NULL,
    email_from character varying,
    message_id character varying,
    reply_to character varying,
    email_layout_xmlid character varying,
    body text,
    is_internal boolean,
    reply_to_force_new boolean,
    email_add_signature boolean,
    date timestamp without time zone,
    pinned_at timestamp without time zone,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE mail_tracking_value (
    id serial NOT NULL PRIMARY KEY,
    field_id integer,
    old_value_integer integer,
    new_value_integer integer,
    currency_id integer,
    mail_message_id integer NOT NULL,
    create_uid integer,
    write_uid integer,
    old_value_char character varying,
    new_value_char character varying,
    field_info jsonb,
    old_value_text text,
    new_value_text text,
    old_value_datetime timestamp without time zone,
    new_value_datetime timestamp without time zone,
    create_date timestamp without time zone,
    write_date timestamp without time zone,
    old_value_float double precision,
    new_value_float double precision
);

CREATE TABLE stock_picking (
    id serial NOT NULL PRIMARY KEY,
    backorder_id integer,
    group_id integer,
    location_id integer NOT NULL,
    location_dest_id integer NOT NULL,
    picking_type_id integer NOT NULL,
    partner_id integer,
    company_id integer,
    user_id integer,
    owner_id integer,
    sale_id integer,
    create_uid integer,
    write_uid integer,
    name character varying,
    origin character varying,
    move_type character varying NOT NULL,
    state character varying,
    priority character varying,
    note text,
    has_deadline_issue boolean,
    printed boolean,
    is_locked boolean,
    scheduled_date timestamp without time zone NOT NULL,
    date_deadline timestamp without time zone,
    date timestamp without time zone,
    date_done timestamp without time zone,
    create_date timestamp without time zone,
    write_date timestamp without time zone
);

CREATE TABLE stock_move (
    id serial NOT NULL PRIMARY KEY,
    sequence integer,
    company_id integer NOT NULL,
    product_id integer NOT NULL,
    product_uom integer NOT NULL,
    location_id integer NOT NULL,
    location_dest_id integer NOT NULL,
    partner_id integer,
    picking_id integer,
    scrap_id integer,
    group_id integer,
    rule_id integer,
    picking_type_id integer,
    origin_returned_move_id integer,
    restrict_partner_id integer,
    warehouse_id integer,
    package_level_id integer,
    next_serial_count integer,
    orderpoint_id integer,
    product_packaging_id integer,
    sale_line_id integer,
    create_uid integer,
    write_uid integer,
    name character varying NOT NULL,
    priority character varying,
    state character varying,
    origin character varying,
    procure_method character varying NOT NULL,
    reference character varying,
    next_serial character varying,
    reservation_date date,
    description_picking text,
    product_qty numeric,
    product_uom_qty numeric NOT NULL,
    quantity numeric,
    picked boolean,
    scrapped boolean,
    propagate_cancel boolean,
    is_inventory boolean,
    additional boolean,
    date timestamp without time zone NOT NULL,
    date_deadline timestamp without time zone,
    delay_alert_date timestamp without time zone,
    create_date timestamp without time zone,
    write_date timestamp without time zone,
    price_unit double precision
);

-- after load --

-- What follows gives the big tables the indexes, foreign keys and CHECK/UNIQUE constraints that
-- Odoo 17 creates for them with the modules this instance has installed (base, mail, account,
-- sale, stock, sale_stock): one index per field with index=True (index='btree_not_null' is a
-- partial index WHERE col IS NOT NULL), the extra indexes of the models' init() methods, one
-- foreign key per stored Many2one (ON DELETE SET NULL unless the field says otherwise; required
-- fields RESTRICT) including create_uid and write_uid, and the _sql_constraints. Odoo builds
-- index='trigram' fields as GIN gin_trgm_ops indexes, which need the pg_trgm extension (and a
-- superuser to create it); they are plain btree indexes here, so that any owner can create the
-- instance. Per table (indexes with the primary key / foreign keys / CHECK+UNIQUE):
--   res_partner 9 / 11 / 1, ir_attachment 4 / 4 / 0, mail_message 8 / 10 / 0,
--   mail_tracking_value 3 / 5 / 0, account_move_line 19 / 20 / 4, stock_move 15 / 20 / 0.

ALTER TABLE res_company
    ADD CONSTRAINT res_company_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT,
    ADD CONSTRAINT res_company_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES res_company(id) ON DELETE SET NULL;
ALTER TABLE res_users
    ADD CONSTRAINT res_users_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE RESTRICT,
    ADD CONSTRAINT res_users_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT;
ALTER TABLE sale_order
    ADD CONSTRAINT sale_order_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT;
ALTER TABLE sale_order_line
    ADD CONSTRAINT sale_order_line_order_id_fkey FOREIGN KEY (order_id) REFERENCES sale_order(id) ON DELETE CASCADE;

-- res_partner (base; team_id from sales_team)
ALTER TABLE res_partner
    ADD CONSTRAINT res_partner_title_fkey FOREIGN KEY (title) REFERENCES res_partner_title(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_user_id_fkey FOREIGN KEY (user_id) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_state_id_fkey FOREIGN KEY (state_id) REFERENCES res_country_state(id) ON DELETE RESTRICT,
    ADD CONSTRAINT res_partner_country_id_fkey FOREIGN KEY (country_id) REFERENCES res_country(id) ON DELETE RESTRICT,
    ADD CONSTRAINT res_partner_industry_id_fkey FOREIGN KEY (industry_id) REFERENCES res_partner_industry(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_commercial_partner_id_fkey FOREIGN KEY (commercial_partner_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_team_id_fkey FOREIGN KEY (team_id) REFERENCES crm_team(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
CREATE INDEX res_partner__name_index ON res_partner USING btree (name);
CREATE INDEX res_partner__complete_name_index ON res_partner USING btree (complete_name);
CREATE INDEX res_partner__date_index ON res_partner USING btree (date);
CREATE INDEX res_partner__parent_id_index ON res_partner USING btree (parent_id);
CREATE INDEX res_partner__ref_index ON res_partner USING btree (ref);
CREATE INDEX res_partner__vat_index ON res_partner USING btree (vat);
CREATE INDEX res_partner__company_id_index ON res_partner USING btree (company_id);
CREATE INDEX res_partner__commercial_partner_id_index ON res_partner USING btree (commercial_partner_id);
CREATE INDEX res_users__partner_id_index ON res_users USING btree (partner_id);

-- ir_attachment (base; original_id from web_editor)
ALTER TABLE ir_attachment
    ADD CONSTRAINT ir_attachment_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT ir_attachment_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT ir_attachment_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT ir_attachment_original_id_fkey FOREIGN KEY (original_id) REFERENCES ir_attachment(id) ON DELETE SET NULL;
CREATE INDEX ir_attachment__store_fname_index ON ir_attachment USING btree (store_fname);
CREATE INDEX ir_attachment__url_index ON ir_attachment USING btree (url) WHERE (url IS NOT NULL);
CREATE INDEX ir_attachment_res_idx ON ir_attachment USING btree (res_model, res_id);
CREATE INDEX ir_module_module__state_index ON ir_module_module USING btree (state);

-- mail_message (mail)
ALTER TABLE mail_message
    ADD CONSTRAINT mail_message_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES mail_message(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_record_alias_domain_id_fkey FOREIGN KEY (record_alias_domain_id) REFERENCES mail_alias_domain(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_record_company_id_fkey FOREIGN KEY (record_company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_subtype_id_fkey FOREIGN KEY (subtype_id) REFERENCES mail_message_subtype(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_mail_activity_type_id_fkey FOREIGN KEY (mail_activity_type_id) REFERENCES mail_activity_type(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_author_id_fkey FOREIGN KEY (author_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_author_guest_id_fkey FOREIGN KEY (author_guest_id) REFERENCES mail_guest(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_mail_server_id_fkey FOREIGN KEY (mail_server_id) REFERENCES ir_mail_server(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_message_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
CREATE INDEX mail_message__parent_id_index ON mail_message USING btree (parent_id) WHERE (parent_id IS NOT NULL);
CREATE INDEX mail_message__subtype_id_index ON mail_message USING btree (subtype_id);
CREATE INDEX mail_message__mail_activity_type_id_index ON mail_message USING btree (mail_activity_type_id) WHERE (mail_activity_type_id IS NOT NULL);
CREATE INDEX mail_message__author_id_index ON mail_message USING btree (author_id);
CREATE INDEX mail_message__message_id_index ON mail_message USING btree (message_id);
CREATE INDEX mail_message_model_res_id_idx ON mail_message USING btree (model, res_id);
CREATE INDEX mail_message_model_res_id_id_idx ON mail_message USING btree (model, res_id, id);

-- mail_tracking_value (mail)
ALTER TABLE mail_tracking_value
    ADD CONSTRAINT mail_tracking_value_field_id_fkey FOREIGN KEY (field_id) REFERENCES ir_model_fields(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_tracking_value_currency_id_fkey FOREIGN KEY (currency_id) REFERENCES res_currency(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_tracking_value_mail_message_id_fkey FOREIGN KEY (mail_message_id) REFERENCES mail_message(id) ON DELETE CASCADE,
    ADD CONSTRAINT mail_tracking_value_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT mail_tracking_value_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
CREATE INDEX mail_tracking_value__field_id_index ON mail_tracking_value USING btree (field_id);
CREATE INDEX mail_tracking_value__mail_message_id_index ON mail_tracking_value USING btree (mail_message_id);

-- account_move (account): its main indexes and foreign keys
ALTER TABLE account_move
    ADD CONSTRAINT account_move_journal_id_fkey FOREIGN KEY (journal_id) REFERENCES account_journal(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_currency_id_fkey FOREIGN KEY (currency_id) REFERENCES res_currency(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_commercial_partner_id_fkey FOREIGN KEY (commercial_partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_partner_shipping_id_fkey FOREIGN KEY (partner_shipping_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES account_payment(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_statement_line_id_fkey FOREIGN KEY (statement_line_id) REFERENCES account_bank_statement_line(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_reversed_entry_id_fkey FOREIGN KEY (reversed_entry_id) REFERENCES account_move(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_auto_post_origin_id_fkey FOREIGN KEY (auto_post_origin_id) REFERENCES account_move(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_invoice_user_id_fkey FOREIGN KEY (invoice_user_id) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_team_id_fkey FOREIGN KEY (team_id) REFERENCES crm_team(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
CREATE INDEX account_move__name_index ON account_move USING btree (name);
CREATE INDEX account_move__ref_index ON account_move USING btree (ref);
CREATE INDEX account_move__date_index ON account_move USING btree (date);
CREATE INDEX account_move__move_type_index ON account_move USING btree (move_type);
CREATE INDEX account_move__company_id_index ON account_move USING btree (company_id);
CREATE INDEX account_move__partner_id_index ON account_move USING btree (partner_id);
CREATE INDEX account_move__invoice_date_index ON account_move USING btree (invoice_date);
CREATE INDEX account_move__invoice_date_due_index ON account_move USING btree (invoice_date_due);
CREATE INDEX account_move__payment_reference_index ON account_move USING btree (payment_reference);
CREATE INDEX account_move__secure_sequence_number_index ON account_move USING btree (secure_sequence_number);
CREATE INDEX account_move__payment_id_index ON account_move USING btree (payment_id) WHERE (payment_id IS NOT NULL);
CREATE INDEX account_move__statement_line_id_index ON account_move USING btree (statement_line_id) WHERE (statement_line_id IS NOT NULL);
CREATE INDEX account_move__reversed_entry_id_index ON account_move USING btree (reversed_entry_id) WHERE (reversed_entry_id IS NOT NULL);
CREATE INDEX account_move_to_check_idx ON account_move USING btree (journal_id) WHERE to_check;
CREATE INDEX account_move_payment_idx ON account_move USING btree (journal_id, state, payment_state, move_type, date);
CREATE UNIQUE INDEX account_move_unique_name ON account_move USING btree (name, journal_id) WHERE ((state)::text = 'posted'::text AND (name)::text <> '/'::text);
ALTER TABLE account_full_reconcile
    ADD CONSTRAINT account_full_reconcile_exchange_move_id_fkey FOREIGN KEY (exchange_move_id) REFERENCES account_move(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_full_reconcile_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_full_reconcile_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;

-- account_move_line (account, with analytic's jsonb GIN index)
ALTER TABLE account_move_line
    ADD CONSTRAINT account_move_line_check_credit_debit CHECK (display_type IN ('line_section', 'line_note') OR credit * debit = 0),
    ADD CONSTRAINT account_move_line_check_amount_currency_balance_sign CHECK (display_type IN ('line_section', 'line_note') OR ((balance <= 0 AND amount_currency <= 0) OR (balance >= 0 AND amount_currency >= 0))),
    ADD CONSTRAINT account_move_line_check_accountable_required_fields CHECK (display_type IN ('line_section', 'line_note') OR account_id IS NOT NULL),
    ADD CONSTRAINT account_move_line_check_non_accountable_fields_null CHECK (display_type NOT IN ('line_section', 'line_note') OR (amount_currency = 0 AND debit = 0 AND credit = 0 AND account_id IS NULL));
ALTER TABLE account_move_line
    ADD CONSTRAINT account_move_line_move_id_fkey FOREIGN KEY (move_id) REFERENCES account_move(id) ON DELETE CASCADE,
    ADD CONSTRAINT account_move_line_journal_id_fkey FOREIGN KEY (journal_id) REFERENCES account_journal(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_company_currency_id_fkey FOREIGN KEY (company_currency_id) REFERENCES res_currency(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_account_id_fkey FOREIGN KEY (account_id) REFERENCES account_account(id) ON DELETE CASCADE,
    ADD CONSTRAINT account_move_line_currency_id_fkey FOREIGN KEY (currency_id) REFERENCES res_currency(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_line_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_line_reconcile_model_id_fkey FOREIGN KEY (reconcile_model_id) REFERENCES account_reconcile_model(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES account_payment(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_statement_line_id_fkey FOREIGN KEY (statement_line_id) REFERENCES account_bank_statement_line(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_statement_id_fkey FOREIGN KEY (statement_id) REFERENCES account_bank_statement(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_group_tax_id_fkey FOREIGN KEY (group_tax_id) REFERENCES account_tax(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_tax_line_id_fkey FOREIGN KEY (tax_line_id) REFERENCES account_tax(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_line_tax_group_id_fkey FOREIGN KEY (tax_group_id) REFERENCES account_tax_group(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_tax_repartition_line_id_fkey FOREIGN KEY (tax_repartition_line_id) REFERENCES account_tax_repartition_line(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_line_full_reconcile_id_fkey FOREIGN KEY (full_reconcile_id) REFERENCES account_full_reconcile(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_product_id_fkey FOREIGN KEY (product_id) REFERENCES product_product(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_line_product_uom_id_fkey FOREIGN KEY (product_uom_id) REFERENCES uom_uom(id) ON DELETE RESTRICT,
    ADD CONSTRAINT account_move_line_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT account_move_line_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
CREATE INDEX account_move_line__move_id_index ON account_move_line USING btree (move_id);
CREATE INDEX account_move_line__journal_id_index ON account_move_line USING btree (journal_id);
CREATE INDEX account_move_line__company_id_index ON account_move_line USING btree (company_id);
CREATE INDEX account_move_line__move_name_index ON account_move_line USING btree (move_name);
CREATE INDEX account_move_line__ref_index ON account_move_line USING btree (ref);
CREATE INDEX account_move_line__payment_id_index ON account_move_line USING btree (payment_id) WHERE (payment_id IS NOT NULL);
CREATE INDEX account_move_line__statement_line_id_index ON account_move_line USING btree (statement_line_id) WHERE (statement_line_id IS NOT NULL);
CREATE INDEX account_move_line__statement_id_index ON account_move_line USING btree (statement_id) WHERE (statement_id IS NOT NULL);
CREATE INDEX account_move_line__group_tax_id_index ON account_move_line USING btree (group_tax_id) WHERE (group_tax_id IS NOT NULL);
CREATE INDEX account_move_line__full_reconcile_id_index ON account_move_line USING btree (full_reconcile_id) WHERE (full_reconcile_id IS NOT NULL);
CREATE INDEX account_move_line__matching_number_index ON account_move_line USING btree (matching_number);
CREATE INDEX account_move_line__date_maturity_index ON account_move_line USING btree (date_maturity);
CREATE INDEX account_move_line_analytic_distribution_gin_index ON account_move_line USING gin (analytic_distribution);
CREATE INDEX account_move_line_partner_id_ref_idx ON account_move_line USING btree (partner_id, ref);
CREATE INDEX account_move_line_date_name_id_idx ON account_move_line USING btree (date DESC, move_name DESC, id);
CREATE INDEX account_move_line__unreconciled_index ON account_move_line USING btree (account_id, partner_id) WHERE ((reconciled IS NULL OR reconciled = false OR reconciled IS NOT true) AND (parent_state)::text = 'posted'::text);
CREATE INDEX account_move_line_journal_id_neg_amnt_residual_idx ON account_move_line USING btree (journal_id) WHERE (amount_residual < 0 AND (parent_state)::text = 'posted'::text);
CREATE INDEX account_move_line_account_id_date_idx ON account_move_line USING btree (account_id, date);

-- stock_picking (stock): its main indexes and foreign keys
ALTER TABLE stock_picking
    ADD CONSTRAINT stock_picking_name_uniq UNIQUE (name, company_id),
    ADD CONSTRAINT stock_picking_location_id_fkey FOREIGN KEY (location_id) REFERENCES stock_location(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_picking_location_dest_id_fkey FOREIGN KEY (location_dest_id) REFERENCES stock_location(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_picking_picking_type_id_fkey FOREIGN KEY (picking_type_id) REFERENCES stock_picking_type(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_picking_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_picking_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_picking_group_id_fkey FOREIGN KEY (group_id) REFERENCES procurement_group(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_picking_sale_id_fkey FOREIGN KEY (sale_id) REFERENCES sale_order(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_picking_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_picking_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
CREATE INDEX stock_picking__name_index ON stock_picking USING btree (name);
CREATE INDEX stock_picking__origin_index ON stock_picking USING btree (origin);
CREATE INDEX stock_picking__state_index ON stock_picking USING btree (state);
CREATE INDEX stock_picking__scheduled_date_index ON stock_picking USING btree (scheduled_date);
CREATE INDEX stock_picking__company_id_index ON stock_picking USING btree (company_id);
CREATE INDEX stock_picking__picking_type_id_index ON stock_picking USING btree (picking_type_id);
CREATE INDEX stock_picking__group_id_index ON stock_picking USING btree (group_id);

-- stock_move (stock; sale_line_id from sale_stock)
ALTER TABLE stock_move
    ADD CONSTRAINT stock_move_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_move_product_id_fkey FOREIGN KEY (product_id) REFERENCES product_product(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_move_product_uom_fkey FOREIGN KEY (product_uom) REFERENCES uom_uom(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_move_location_id_fkey FOREIGN KEY (location_id) REFERENCES stock_location(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_move_location_dest_id_fkey FOREIGN KEY (location_dest_id) REFERENCES stock_location(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_move_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_picking_id_fkey FOREIGN KEY (picking_id) REFERENCES stock_picking(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_scrap_id_fkey FOREIGN KEY (scrap_id) REFERENCES stock_scrap(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_group_id_fkey FOREIGN KEY (group_id) REFERENCES procurement_group(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_rule_id_fkey FOREIGN KEY (rule_id) REFERENCES stock_rule(id) ON DELETE RESTRICT,
    ADD CONSTRAINT stock_move_picking_type_id_fkey FOREIGN KEY (picking_type_id) REFERENCES stock_picking_type(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_origin_returned_move_id_fkey FOREIGN KEY (origin_returned_move_id) REFERENCES stock_move(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_restrict_partner_id_fkey FOREIGN KEY (restrict_partner_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES stock_warehouse(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_package_level_id_fkey FOREIGN KEY (package_level_id) REFERENCES stock_package_level(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_orderpoint_id_fkey FOREIGN KEY (orderpoint_id) REFERENCES stock_warehouse_orderpoint(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_product_packaging_id_fkey FOREIGN KEY (product_packaging_id) REFERENCES product_packaging(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_sale_line_id_fkey FOREIGN KEY (sale_line_id) REFERENCES sale_order_line(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT stock_move_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
CREATE INDEX stock_move__date_index ON stock_move USING btree (date);
CREATE INDEX stock_move__company_id_index ON stock_move USING btree (company_id);
CREATE INDEX stock_move__product_id_index ON stock_move USING btree (product_id);
CREATE INDEX stock_move__location_id_index ON stock_move USING btree (location_id);
CREATE INDEX stock_move__location_dest_id_index ON stock_move USING btree (location_dest_id);
CREATE INDEX stock_move__partner_id_index ON stock_move USING btree (partner_id) WHERE (partner_id IS NOT NULL);
CREATE INDEX stock_move__picking_id_index ON stock_move USING btree (picking_id);
CREATE INDEX stock_move__state_index ON stock_move USING btree (state);
CREATE INDEX stock_move__group_id_index ON stock_move USING btree (group_id);
CREATE INDEX stock_move__origin_returned_move_id_index ON stock_move USING btree (origin_returned_move_id);
CREATE INDEX stock_move__restrict_partner_id_index ON stock_move USING btree (restrict_partner_id) WHERE (restrict_partner_id IS NOT NULL);
CREATE INDEX stock_move__orderpoint_id_index ON stock_move USING btree (orderpoint_id);
CREATE INDEX stock_move__sale_line_id_index ON stock_move USING btree (sale_line_id) WHERE (sale_line_id IS NOT NULL);
CREATE INDEX stock_move_product_location_index ON stock_move USING btree (product_id, location_id, location_dest_id, company_id, state);

CREATE INDEX sale_order__partner_id_index ON sale_order USING btree (partner_id);
CREATE INDEX sale_order__date_order_index ON sale_order USING btree (date_order);
CREATE INDEX sale_order_line__order_id_index ON sale_order_line USING btree (order_id);
