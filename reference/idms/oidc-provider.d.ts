/**
 * The parts of oidc-provider (v9, shipped without type declarations) that the
 * reference IdMS uses. Loose on purpose: configuration is checked by the
 * provider itself at construction.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AnyObject = Record<string, any>;

  export interface KoaContextWithOIDC {
    method: string;
    path: string;
    status: number;
    body: any;
    type: string;
    headers: Record<string, string | string[] | undefined>;
    req: IncomingMessage;
    res: ServerResponse;
    request: AnyObject;
    response: AnyObject;
    query: AnyObject;
    querystring: string;
    url: string;
    set(field: string, value: string): void;
    get(field: string): string;
    remove(field: string): void;
    oidc: AnyObject & {
      params?: AnyObject;
      client?: AnyObject & { clientId: string };
      route?: string;
      provider: Provider;
    };
  }

  export type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void> | void;

  export interface Interaction {
    uid: string;
    prompt: { name: string; reasons: string[]; details: AnyObject };
    params: AnyObject;
    session?: { accountId: string };
    grantId?: string;
    lastSubmission?: AnyObject;
  }

  export class OIDCProviderError extends Error {
    constructor(status: number, message: string);
    error: string;
    error_description?: string;
    status: number;
    statusCode: number;
    expose: boolean;
  }

  export const errors: {
    OIDCProviderError: typeof OIDCProviderError;
    InvalidRequest: new (description?: string) => OIDCProviderError;
    InvalidGrant: new (description?: string) => OIDCProviderError;
    InvalidScope: new (description?: string, scope?: string) => OIDCProviderError;
    InvalidTarget: new (description?: string) => OIDCProviderError;
    InvalidClient: new (description?: string) => OIDCProviderError;
    UnauthorizedClient: new (description?: string) => OIDCProviderError;
    CustomOIDCProviderError: new (error: string, description?: string) => OIDCProviderError;
    [name: string]: any;
  };

  export const interactionPolicy: {
    base(): any[] & { get(name: string): any; remove(name: string): void; add(prompt: any, index?: number): void };
    Check: new (reason: string, description: string, check: (ctx: KoaContextWithOIDC) => boolean) => any;
    Prompt: new (...args: any[]) => any;
  };

  export default class Provider {
    constructor(issuer: string, configuration?: AnyObject);
    readonly issuer: string;
    proxy: boolean;
    app: AnyObject;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: Middleware): void;
    on(event: string, listener: (...args: any[]) => void): this;
    registerGrantType(name: string, handler: (ctx: KoaContextWithOIDC) => Promise<void>, params?: string | string[] | Set<string>, dupes?: string | string[] | Set<string>): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: AnyObject, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    static get ctx(): KoaContextWithOIDC | undefined;
    Grant: any;
    AccessToken: any;
    AuthorizationCode: any;
    RefreshToken: any;
    Client: any;
    ResourceServer: any;
  }
}
