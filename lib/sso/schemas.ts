import { z } from 'zod';

// Input schemas for SSO connections, shared by the admin forms (client) and the service.

export const connectionKind = z.enum(['sso', 'kaseyaone']);
const kind = connectionKind;

/** The documented limit for metadata, pasted or fetched. */
export const MAX_METADATA_CHARS = 1_000_000;
export const isSamlMetadata = (xml: string) => /<([\w-]+:)?EntityDescriptor[\s>]/.test(xml);

export const samlConnectionSchema = z
  .object({
    kind,
    metadataXml: z
      .string()
      .trim()
      .max(MAX_METADATA_CHARS, 'The metadata file is too large (1,000,000 characters at most).')
      .refine((x) => x === '' || isSamlMetadata(x), 'This is not SAML metadata: no EntityDescriptor element.')
      .optional(),
    metadataUrl: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/, error: 'Enter an http(s) URL.' }).optional()),
  })
  .refine((v) => Boolean(v.metadataXml) !== Boolean(v.metadataUrl), { message: 'Give either the metadata XML or its URL.', path: ['metadataXml'] });

export const oidcConnectionSchema = z.object({
  kind,
  discoveryUrl: z.url({ protocol: /^https?$/, error: 'Enter the discovery URL (…/.well-known/openid-configuration).' }),
  clientId: z.string().trim().min(1, 'Enter the client ID.').max(500),
  clientSecret: z.string().trim().min(1, 'Enter the client secret.').max(2000),
});

export type SamlConnectionInput = z.infer<typeof samlConnectionSchema>;
export type OidcConnectionInput = z.infer<typeof oidcConnectionSchema>;

export type ConnectionSummary = {
  kind: 'sso' | 'kaseyaone';
  protocol: 'saml' | 'oidc';
  clientId: string;
  /** The IdP: SAML entity id, or the OIDC discovery URL. */
  idp: string;
  provider: string;
};

