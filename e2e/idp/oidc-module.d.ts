// Minimal type declarations for the parts of oidc-provider@9 that e2e/idp/oidc-provider.ts uses.
// The package ships no types and @types/oidc-provider is not installed. Names and shapes follow the
// library's own source (lib/provider.js, lib/helpers/interaction_policy, lib/models/grant.js,
// lib/adapters/memory_adapter.js); anything not listed here is simply not typed.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = {
    [key: string]: unknown;
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
  };

  /** The adapter interface: one instance per model name ("Session", "Client", "Grant", ...). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export type AccountClaims = { sub: string; [claim: string]: unknown };

  export interface Account {
    accountId: string;
    claims(
      use: string,
      scope: string,
      claims: Record<string, unknown>,
      rejected: string[],
    ): AccountClaims | Promise<AccountClaims>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    post_logout_redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    application_type?: 'web' | 'native';
    token_endpoint_auth_method?: string;
    id_token_signed_response_alg?: string;
    [key: string]: unknown;
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean; acr?: string; amr?: string[]; ts?: number };
    consent?: { grantId?: string };
    [key: string]: unknown;
  }

  export interface Interaction {
    uid: string;
    jti: string;
    exp: number;
    returnTo: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId: string; uid?: string; cookie?: string };
    grantId?: string;
    lastSubmission?: InteractionResults;
    result?: InteractionResults;
  }

  export interface Grant {
    jti: string;
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    getOIDCScope(): string;
    save(ttl?: number): Promise<string>;
  }

  export interface GrantConstructor {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface Client {
    clientId: string;
  }

  export interface ClientConstructor {
    /** Validates the metadata synchronously; throws InvalidClientMetadata on bad input. */
    new (metadata: ClientMetadata): Client;
    find(id: string): Promise<Client | undefined>;
  }

  export interface Session {
    accountId?: string;
    grantIdFor(clientId: string, value?: string): string | undefined;
  }

  export interface OIDCContext {
    readonly provider: Provider;
    readonly client?: Client;
    readonly account?: Account;
    readonly session?: Session;
    readonly result?: InteractionResults;
    readonly params?: Record<string, unknown>;
    readonly requestParamOIDCScopes: Set<string>;
    readonly requestParamClaims: Set<string>;
  }

  export interface KoaContextWithOIDC {
    oidc: OIDCContext;
  }

  export type TTLValue = number | ((ctx: KoaContextWithOIDC, ...rest: unknown[]) => number);

  export interface Configuration {
    adapter?: (modelName: string) => Adapter;
    clients?: ClientMetadata[];
    clientDefaults?: Partial<ClientMetadata>;
    findAccount?: (
      ctx: KoaContextWithOIDC,
      sub: string,
      token?: unknown,
    ) => Account | undefined | Promise<Account | undefined>;
    claims?: Record<string, string[] | null | Record<string, null>>;
    conformIdTokenClaims?: boolean;
    loadExistingGrant?: (ctx: KoaContextWithOIDC) => Promise<Grant | undefined>;
    cookies?: {
      names?: { session?: string; interaction?: string; resume?: string };
      long?: Record<string, unknown>;
      short?: Record<string, unknown>;
      keys?: Array<string | Buffer>;
    };
    features?: Record<string, Record<string, unknown>>;
    interactions?: {
      policy?: interactionPolicy.Prompt[];
      url?: (ctx: KoaContextWithOIDC, interaction: Interaction) => string | Promise<string>;
    };
    jwks?: { keys: Array<Record<string, unknown>> };
    pkce?: { required?: (ctx: KoaContextWithOIDC, client: Client) => boolean };
    routes?: Record<string, string>;
    scopes?: string[];
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: Client) => boolean;
    ttl?: Record<string, TTLValue>;
    [key: string]: unknown;
  }

  export namespace interactionPolicy {
    type CheckFn = (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>;
    class Check {
      constructor(reason: string, description: string, check: CheckFn);
      constructor(reason: string, description: string, error: string, check: CheckFn);
      static readonly REQUEST_PROMPT: true;
      static readonly NO_NEED_TO_PROMPT: false;
      reason: string;
    }
    type Checks = Check[] & {
      add(check: Check, index?: number): void;
      get(reason: string): Check | undefined;
      remove(reason: string): void;
    };
    class Prompt {
      name: string;
      requestable: boolean;
      checks: Checks;
    }
    type DefaultPolicy = Prompt[] & {
      get(name: string): Prompt | undefined;
      add(prompt: Prompt, index?: number): void;
      remove(name: string): void;
    };
    function base(): DefaultPolicy;
  }

  export namespace errors {
    class OIDCProviderError extends Error {
      error: string;
      error_description?: string;
      status: number;
      statusCode: number;
    }
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: GrantConstructor;
    readonly Client: ClientConstructor;
    /** Provider is a Koa application; callback() is a node:http request listener. */
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    urlFor(name: string, options?: Record<string, unknown>): string;
    on(event: string, listener: (...args: any[]) => void): this;
  }

  export default Provider;
}
