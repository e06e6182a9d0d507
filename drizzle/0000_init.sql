CREATE TYPE "public"."apply_on" AS ENUM('create', 'every_login');--> statement-breakpoint
CREATE TYPE "public"."event_type" AS ENUM('login_allowed', 'login_denied', 'person_created', 'person_updated', 'person_deactivated', 'person_reactivated', 'person_archived', 'person_merged', 'settings_changed');--> statement-breakpoint
CREATE TYPE "public"."identity_source" AS ENUM('sso', 'kaseyaone', 'azure');--> statement-breakpoint
CREATE TYPE "public"."org_status" AS ENUM('active', 'inactive');--> statement-breakpoint
CREATE TYPE "public"."person_source" AS ENUM('local', 'sso_jit', 'kaseyaone', 'azure_ad');--> statement-breakpoint
CREATE TYPE "public"."person_status" AS ENUM('active', 'inactive', 'archived');--> statement-breakpoint
CREATE TYPE "public"."person_type" AS ENUM('employee', 'contact');--> statement-breakpoint
CREATE TYPE "public"."phone_type" AS ENUM('office', 'mobile', 'home', 'fax', 'other');--> statement-breakpoint
CREATE TYPE "public"."provisioning_method" AS ENUM('none', 'sso_jit', 'azure_ad');--> statement-breakpoint
CREATE TYPE "public"."rule_kind" AS ENUM('sso', 'azure');--> statement-breakpoint
CREATE TABLE "attribute_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"attribute_name" text NOT NULL,
	"person_field" text NOT NULL,
	"default_value" text,
	"apply_on" "apply_on" DEFAULT 'every_login' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "client_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "employee_roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "employment_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_titles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mapping_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" "rule_kind" NOT NULL,
	"domain" text,
	"security_group" text,
	"user_type" "person_type" NOT NULL,
	"security_role_id" uuid NOT NULL,
	"department_id" uuid,
	"location_id" uuid,
	"employee_role_id" uuid,
	"client_account_id" uuid,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"status" "org_status" DEFAULT 'active' NOT NULL,
	"contract_ends_on" date,
	"kaseyaone_org_id" text,
	"root_person_id" uuid,
	"products" text[] DEFAULT '{}'::text[] NOT NULL,
	"verified_domains" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organizations_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"type" "person_type" NOT NULL,
	"status" "person_status" DEFAULT 'active' NOT NULL,
	"source" "person_source" DEFAULT 'local' NOT NULL,
	"first_name" text DEFAULT '' NOT NULL,
	"last_name" text DEFAULT '' NOT NULL,
	"username" text,
	"email" text NOT NULL,
	"phone" text,
	"phone_type" "phone_type",
	"job_title_id" uuid,
	"department_id" uuid,
	"location_id" uuid,
	"manager_id" uuid,
	"employment_type_id" uuid,
	"security_role_id" uuid,
	"employee_role_id" uuid,
	"client_account_id" uuid,
	"password_hash" text,
	"locked_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"source" "identity_source" NOT NULL,
	"scope" text DEFAULT '' NOT NULL,
	"external_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provisioning_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"type" "event_type" NOT NULL,
	"reason_code" text,
	"source" text NOT NULL,
	"actor_person_id" uuid,
	"person_id" uuid,
	"rule_id" uuid,
	"diff" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provisioning_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"method" "provisioning_method" DEFAULT 'none' NOT NULL,
	"kaseyaone_login_enabled" boolean DEFAULT false NOT NULL,
	"auto_creation_enabled" boolean DEFAULT false NOT NULL,
	"auto_creation_ever_enabled" boolean DEFAULT false NOT NULL,
	"default_department_id" uuid,
	"default_location_id" uuid,
	"default_manager_id" uuid,
	"default_job_title_id" uuid,
	"default_employment_type_id" uuid,
	"default_security_role_id" uuid,
	"default_employee_role_id" uuid,
	"default_client_account_id" uuid,
	"default_phone_type" "phone_type" DEFAULT 'office' NOT NULL,
	"seat_cap" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "security_roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"access_level" integer DEFAULT 0 NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attribute_mappings" ADD CONSTRAINT "attribute_mappings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_accounts" ADD CONSTRAINT "client_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employee_roles" ADD CONSTRAINT "employee_roles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employment_types" ADD CONSTRAINT "employment_types_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_titles" ADD CONSTRAINT "job_titles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_security_role_id_security_roles_id_fk" FOREIGN KEY ("security_role_id") REFERENCES "public"."security_roles"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_employee_role_id_employee_roles_id_fk" FOREIGN KEY ("employee_role_id") REFERENCES "public"."employee_roles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_client_account_id_client_accounts_id_fk" FOREIGN KEY ("client_account_id") REFERENCES "public"."client_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_root_person_id_people_id_fk" FOREIGN KEY ("root_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_job_title_id_job_titles_id_fk" FOREIGN KEY ("job_title_id") REFERENCES "public"."job_titles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_manager_id_people_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_employment_type_id_employment_types_id_fk" FOREIGN KEY ("employment_type_id") REFERENCES "public"."employment_types"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_security_role_id_security_roles_id_fk" FOREIGN KEY ("security_role_id") REFERENCES "public"."security_roles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_employee_role_id_employee_roles_id_fk" FOREIGN KEY ("employee_role_id") REFERENCES "public"."employee_roles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_client_account_id_client_accounts_id_fk" FOREIGN KEY ("client_account_id") REFERENCES "public"."client_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_identities" ADD CONSTRAINT "person_identities_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_identities" ADD CONSTRAINT "person_identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_events" ADD CONSTRAINT "provisioning_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_events" ADD CONSTRAINT "provisioning_events_actor_person_id_people_id_fk" FOREIGN KEY ("actor_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_events" ADD CONSTRAINT "provisioning_events_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_events" ADD CONSTRAINT "provisioning_events_rule_id_mapping_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."mapping_rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_department_id_departments_id_fk" FOREIGN KEY ("default_department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_location_id_locations_id_fk" FOREIGN KEY ("default_location_id") REFERENCES "public"."locations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_manager_id_people_id_fk" FOREIGN KEY ("default_manager_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_job_title_id_job_titles_id_fk" FOREIGN KEY ("default_job_title_id") REFERENCES "public"."job_titles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_employment_type_id_employment_types_id_fk" FOREIGN KEY ("default_employment_type_id") REFERENCES "public"."employment_types"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_security_role_id_security_roles_id_fk" FOREIGN KEY ("default_security_role_id") REFERENCES "public"."security_roles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_employee_role_id_employee_roles_id_fk" FOREIGN KEY ("default_employee_role_id") REFERENCES "public"."employee_roles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_settings" ADD CONSTRAINT "provisioning_settings_default_client_account_id_client_accounts_id_fk" FOREIGN KEY ("default_client_account_id") REFERENCES "public"."client_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_roles" ADD CONSTRAINT "security_roles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attribute_mappings_org_field_uq" ON "attribute_mappings" USING btree ("organization_id","person_field");--> statement-breakpoint
CREATE UNIQUE INDEX "client_accounts_org_name_uq" ON "client_accounts" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "departments_org_name_uq" ON "departments" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "employee_roles_org_name_uq" ON "employee_roles" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "employment_types_org_name_uq" ON "employment_types" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "job_titles_org_name_uq" ON "job_titles" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "locations_org_name_uq" ON "locations" USING btree ("organization_id",lower("name"));--> statement-breakpoint
CREATE INDEX "mapping_rules_org_kind_idx" ON "mapping_rules" USING btree ("organization_id","kind","position","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "people_email_lower_uq" ON "people" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "people_org_type_idx" ON "people" USING btree ("organization_id","type","last_name","first_name");--> statement-breakpoint
CREATE UNIQUE INDEX "person_identities_source_ext_uq" ON "person_identities" USING btree ("source","scope","external_id");--> statement-breakpoint
CREATE INDEX "person_identities_person_idx" ON "person_identities" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "provisioning_events_org_created_idx" ON "provisioning_events" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "provisioning_events_person_idx" ON "provisioning_events" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "security_roles_org_name_uq" ON "security_roles" USING btree ("organization_id",lower("name"));