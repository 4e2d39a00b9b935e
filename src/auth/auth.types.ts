/** Stored credentials of one provider, as the reference's `Auth` union (`auth.json` values). */
export type AuthInfo = ApiAuthInfo | OAuthInfo | WellKnownAuthInfo;

export interface ApiAuthInfo {
  type: 'api';
  key: string;
  metadata?: Record<string, string>;
}

export interface OAuthInfo {
  type: 'oauth';
  refresh: string;
  access: string;
  /** Epoch milliseconds when `access` expires. */
  expires: number;
  accountId?: string;
  enterpriseUrl?: string;
}

export interface WellKnownAuthInfo {
  type: 'wellknown';
  key: string;
  token: string;
}
