import type { OAuthInfo } from '../../../auth/auth.types';
import {
  LoginContext,
  LoginFailed,
  LoginInputInvalid,
  ProviderLogins,
  sleep,
} from '../login-method';
import { numberField, refusal, stringField } from '../oauth-http';

/** GitHub's OAuth app for Copilot in opencode, as the reference's Copilot plugin uses it. */
const CLIENT_ID = 'Ov23li8tweQw6odWQebz';
const POLL_MARGIN_MS = 3000;
/** GitHub's device codes live 15 minutes unless it says otherwise; the reference polls without a limit. */
const DEFAULT_DEVICE_CODE_TTL_S = 900;

/** A polling interval in seconds; zero is allowed (GitHub Enterprise servers may answer it). */
function pollInterval(value: unknown): number | undefined {
  const seconds = Number(value);
  return value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** `https://company.ghe.com/` → `company.ghe.com`, as the reference normalizes it. */
function domainOf(value: string): string {
  return value.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

function validateEnterpriseUrl(value: string): string | undefined {
  if (!value) return 'URL or domain is required';
  try {
    const url = value.includes('://') ? new URL(value) : new URL(`https://${value}`);
    return url.hostname ? undefined : 'Please enter a valid URL or domain';
  } catch {
    return 'Please enter a valid URL (e.g., company.ghe.com or https://company.ghe.com)';
  }
}

/**
 * GitHub's device flow: `authorize` asks for a device code and answers where to enter it; the
 * callback polls the token endpoint until the user approves (or denies, or the code expires).
 * The GitHub token itself is what Copilot's API takes, so it is stored as both `access` and
 * `refresh`, with `expires: 0` (it does not expire), and the enterprise domain when there is one.
 */
export const GITHUB_COPILOT_LOGINS: ProviderLogins = {
  methods: [
    {
      type: 'oauth',
      label: 'Login with GitHub Copilot',
      prompts: [
        {
          type: 'select',
          key: 'deploymentType',
          message: 'Select GitHub deployment type',
          options: [
            { label: 'GitHub.com', value: 'github.com', hint: 'Public' },
            {
              label: 'GitHub Enterprise',
              value: 'enterprise',
              hint: 'Data residency or self-hosted',
            },
          ],
        },
        {
          type: 'text',
          key: 'enterpriseUrl',
          message: 'Enter your GitHub Enterprise URL or domain',
          placeholder: 'company.ghe.com or https://company.ghe.com',
          when: { key: 'deploymentType', op: 'eq', value: 'enterprise' },
        },
      ],
      validate: { enterpriseUrl: validateEnterpriseUrl },
      authorize: async (inputs, ctx) => {
        const enterprise = inputs.deploymentType === 'enterprise';
        let domain = 'github.com';
        if (enterprise) {
          // Deliberate difference: the reference fails with a 500 when the URL is left out.
          const problem = validateEnterpriseUrl(inputs.enterpriseUrl ?? '');
          if (problem) throw new LoginInputInvalid('enterpriseUrl', problem);
          domain = domainOf(inputs.enterpriseUrl ?? '');
        }
        const started = await ctx.http.request(`https://${domain}/login/device/code`, {
          json: { client_id: CLIENT_ID, scope: 'read:user' },
          headers: { 'user-agent': ctx.userAgent },
          signal: ctx.signal,
        });
        const deviceCode = stringField(started.body, 'device_code');
        const userCode = stringField(started.body, 'user_code');
        const verificationUri = stringField(started.body, 'verification_uri');
        if (!started.ok || !deviceCode || !userCode || !verificationUri) {
          throw new LoginFailed(`GitHub did not start the device login: ${refusal(started)}`);
        }
        const device = {
          domain,
          enterprise,
          deviceCode,
          intervalS: pollInterval(started.body?.interval) ?? 5,
          expiresAt:
            Date.now() +
            (numberField(started.body, 'expires_in') ?? DEFAULT_DEVICE_CODE_TTL_S) * 1000,
        };
        return {
          url: verificationUri,
          method: 'auto',
          instructions: `Enter code: ${userCode}`,
          complete: () => poll(ctx, device),
          cancel: () => undefined,
        };
      },
    },
  ],
};

async function poll(
  ctx: LoginContext,
  device: {
    domain: string;
    enterprise: boolean;
    deviceCode: string;
    intervalS: number;
    expiresAt: number;
  },
): Promise<OAuthInfo> {
  let intervalS = device.intervalS;
  while (Date.now() < device.expiresAt) {
    const answer = await ctx.http.request(`https://${device.domain}/login/oauth/access_token`, {
      json: {
        client_id: CLIENT_ID,
        device_code: device.deviceCode,
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      },
      headers: { 'user-agent': ctx.userAgent },
      signal: ctx.signal,
    });
    if (!answer.ok) throw new LoginFailed(`GitHub refused the device login: ${refusal(answer)}`);
    const token = stringField(answer.body, 'access_token');
    if (token) {
      return {
        type: 'oauth',
        refresh: token,
        access: token,
        expires: 0,
        ...(device.enterprise && { enterpriseUrl: device.domain }),
      };
    }
    const error = stringField(answer.body, 'error');
    if (error === 'slow_down') {
      // GitHub names the new interval; without one, five seconds more (RFC 8628).
      intervalS = pollInterval(answer.body?.interval) ?? intervalS + 5;
    } else if (error && error !== 'authorization_pending') {
      throw new LoginFailed(
        error === 'expired_token'
          ? 'The device code expired before it was approved: start the login again'
          : error === 'access_denied'
            ? 'The login was denied on GitHub'
            : `GitHub refused the device login: ${refusal(answer)}`,
      );
    }
    await sleep(intervalS * 1000 + POLL_MARGIN_MS, ctx.signal);
  }
  throw new LoginFailed('The device code expired before it was approved: start the login again');
}
