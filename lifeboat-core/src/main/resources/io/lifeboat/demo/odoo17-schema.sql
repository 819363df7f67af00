-- Odoo 17 tables that backup, restore and integrity checks care about, column for column as
-- Odoo 17.0 creates them, plus business-like bulk tables. Constraints and indexes that are best
-- built after loading follow the marker line.

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

CREATE TABLE account_move_line (
    id serial NOT NULL PRIMARY KEY,
    move_name character varying,
    date date NOT NULL,
    partner_id integer,
    company_id integer NOT NULL,
    account_code character varying,
    name character varying,
    ref character varying,
    parent_state character varying,
    debit numeric,
    credit numeric,
    balance numeric,
    amount_currency numeric,
    reconciled boolean,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone
);

CREATE TABLE mail_message (
    id serial NOT NULL PRIMARY KEY,
    model character varying,
    res_id integer,
    author_id integer,
    message_type character varying NOT NULL,
    subject character varying,
    body text,
    date timestamp without time zone,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone
);

-- after load --

ALTER TABLE res_company
    ADD CONSTRAINT res_company_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT,
    ADD CONSTRAINT res_company_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES res_company(id) ON DELETE SET NULL;
ALTER TABLE res_partner
    ADD CONSTRAINT res_partner_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_commercial_partner_id_fkey FOREIGN KEY (commercial_partner_id) REFERENCES res_partner(id) ON DELETE SET NULL,
    ADD CONSTRAINT res_partner_user_id_fkey FOREIGN KEY (user_id) REFERENCES res_users(id) ON DELETE SET NULL;
ALTER TABLE res_users
    ADD CONSTRAINT res_users_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE RESTRICT,
    ADD CONSTRAINT res_users_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT;
ALTER TABLE ir_attachment
    ADD CONSTRAINT ir_attachment_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE SET NULL,
    ADD CONSTRAINT ir_attachment_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT ir_attachment_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL,
    ADD CONSTRAINT ir_attachment_original_id_fkey FOREIGN KEY (original_id) REFERENCES ir_attachment(id) ON DELETE SET NULL;
ALTER TABLE sale_order
    ADD CONSTRAINT sale_order_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT;
ALTER TABLE sale_order_line
    ADD CONSTRAINT sale_order_line_order_id_fkey FOREIGN KEY (order_id) REFERENCES sale_order(id) ON DELETE CASCADE;
ALTER TABLE account_move_line
    ADD CONSTRAINT account_move_line_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES res_partner(id) ON DELETE RESTRICT;

CREATE INDEX ir_attachment__store_fname_index ON ir_attachment USING btree (store_fname);
CREATE INDEX ir_attachment__url_index ON ir_attachment USING btree (url) WHERE (url IS NOT NULL);
CREATE INDEX ir_attachment_res_idx ON ir_attachment USING btree (res_model, res_id);
CREATE INDEX ir_module_module__state_index ON ir_module_module USING btree (state);
CREATE INDEX res_users__partner_id_index ON res_users USING btree (partner_id);
CREATE INDEX res_partner__name_index ON res_partner USING btree (name);
CREATE INDEX res_partner__commercial_partner_id_index ON res_partner USING btree (commercial_partner_id);
CREATE INDEX sale_order__partner_id_index ON sale_order USING btree (partner_id);
CREATE INDEX sale_order__date_order_index ON sale_order USING btree (date_order);
CREATE INDEX sale_order_line__order_id_index ON sale_order_line USING btree (order_id);
CREATE INDEX account_move_line__date_index ON account_move_line USING btree (date);
CREATE INDEX account_move_line__partner_id_index ON account_move_line USING btree (partner_id);
CREATE INDEX mail_message_model_res_id_idx ON mail_message USING btree (model, res_id);
