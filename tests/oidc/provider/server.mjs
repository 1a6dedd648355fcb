// A real OpenID provider (npm oidc-provider) on loopback, for Warecache's OIDC tests.
//
//   node server.mjs CONFIG.json
//
// tests/oidc/harness.py writes CONFIG.json and starts this; its docstring describes the file.
// Once listening, the only line ever written to stdout is `READY <issuer>`; everything else
// (oidc-provider's notices and warnings, errors) goes to stderr. SIGTERM or SIGINT closes the
// server and exits 0.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

// oidc-provider prints its notices with console.info, which is stdout: keep stdout to READY.
console.info = console.error;

function fail(message) {
  process.stderr.write(`server.mjs: ${message}\n`);
  process.exit(2);
}

function readConfig(path) {
  if (!path) {
    fail('usage: node server.mjs CONFIG.json');
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return fail(`cannot read the config ${path}: ${err.message}`);
  }
}

const config = readConfig(process.argv[2]);
const host = config.host ?? '127.0.0.1';
// Loopback only: these tests never listen where another machine could reach them.
if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost') {
  fail(`host must be a loopback address, not ${host}`);
}
if (!Array.isArray(config.jwks?.keys) || config.jwks.keys.length === 0) {
  fail('jwks.keys must list at least one private signing JWK');
}
const accounts = config.accounts ?? {};

// Which claims each scope releases; `groups` is how the relying party maps a person to roles.
const claims = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username'],
  groups: ['groups'],
};

// Accounts are configured by login name; the provider knows a person by their `sub`.
const loginBySub = new Map(
  Object.entries(accounts).map(([login, account]) => [account.sub ?? login, login]),
);

function knownLogins() {
  return Object.keys(accounts).join(', ') || 'nobody';
}

async function findAccount(ctx, sub) {
  const login = loginBySub.get(sub);
  if (login === undefined) {
    throw new errors.AccessDenied(`no account has sub "${sub}"`);
  }
  return {
    accountId: sub,
    async claims() {
      return { ...accounts[login], sub };
    },
  };
}

// Lifetimes in seconds, per token kind: a number, or {"default": N, "clients": {"id": N}}.
// oidc-provider calls a ttl function with (ctx, token, client).
const TTL_DEFAULTS = { AuthorizationCode: 60, DeviceCode: 600, AccessToken: 3600, IdToken: 3600 };

function ttlEntry(name, spec) {
  if (typeof spec === 'number') {
    return spec;
  }
  const fallback = spec?.default ?? TTL_DEFAULTS[name];
  if (typeof fallback !== 'number') {
    return fail(`ttl.${name} needs a "default" (seconds) beside its "clients"`);
  }
  const perClient = spec.clients ?? {};
  return (ctx, token, client) => {
    const clientId = client?.clientId ?? token?.clientId;
    return Object.hasOwn(perClient, clientId) ? perClient[clientId] : fallback;
  };
}

const ttl = Object.fromEntries(
  Object.entries(config.ttl ?? {}).map(([name, spec]) => [name, ttlEntry(name, spec)]),
);

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(ctx, title, body) {
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

// Plain pages in place of the library's styled ones: they say what went wrong in words a test
// can assert on, and they load nothing from the internet.
function errorParagraph(out) {
  if (!out) {
    return '';
  }
  const description = out.error_description ? `: ${out.error_description}` : '';
  return `<p class="error">${escapeHtml(out.error)}${escapeHtml(description)}</p>`;
}

const deviceFlow = {
  enabled: Boolean(config.device_flow),
  async userCodeInputSource(ctx, form, out) {
    page(
      ctx,
      'Enter the code shown on your device',
      `${errorParagraph(out)}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`,
    );
  },
  async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
    page(
      ctx,
      'Confirm device',
      `<p>Client: <strong>${escapeHtml(client.clientName ?? client.clientId)}</strong></p>
<p>Code: <code>${escapeHtml(userCode)}</code></p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
    );
  },
  async successSource(ctx) {
    const client = ctx.oidc.client.clientName ?? ctx.oidc.client.clientId;
    page(ctx, 'Sign-in success', `<p>Device sign-in with ${escapeHtml(client)} succeeded.</p>`);
  },
};

const configuration = {
  clients: config.clients ?? [],
  jwks: config.jwks,
  findAccount,
  claims,
  // Scope claims in the ID token too (a device-flow client reads them from there).
  conformIdTokenClaims: config.conform_id_token_claims ?? false,
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  // oidc-provider 9 requires PKCE only from public clients by default; here every client must
  // use it (S256 is the only method the library accepts).
  pkce: { required: () => true },
  // The login and consent pages are ours (interactionPages below), at the default
  // interactions.url, /interaction/:uid.
  features: {
    devInteractions: { enabled: false },
    deviceFlow,
  },
  ttl,
  async renderError(ctx, out) {
    page(ctx, 'OpenID provider error', errorParagraph(out));
  },
};

// The login and consent pages. Login takes a configured login name and any password; an
// unknown login is shown the form again, with a 401 and the logins this provider knows.
async function formBody(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 64 * 1024) {
      throw new errors.InvalidRequest('form too large');
    }
  }
  return new URLSearchParams(raw);
}

function loginPage(ctx, uid, problem) {
  page(
    ctx,
    'Sign in',
    `${problem ? `<p class="error">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<input type="hidden" name="prompt" value="login">
<input type="text" name="login" required autofocus>
<input type="password" name="password" required>
<button type="submit">Sign in</button>
</form>
<a href="/interaction/${uid}/abort">Cancel</a>`,
  );
}

function consentPage(ctx, uid, client, details) {
  const scopes = (details.missingOIDCScope ?? []).filter((scope) => scope !== 'openid');
  page(
    ctx,
    'Authorize',
    `<p><strong>${escapeHtml(client.clientName ?? client.clientId)}</strong> asks for:
${escapeHtml(scopes.join(', ') || 'your sign-in')}</p>
<form method="post" action="/interaction/${uid}/confirm">
<input type="hidden" name="prompt" value="consent">
<button type="submit">Continue</button>
</form>
<a href="/interaction/${uid}/abort">Cancel</a>`,
  );
}

async function grantConsent(provider, details) {
  const { grantId, params, session, prompt } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) {
    grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  }
  if (missing.missingOIDCClaims) {
    grant.addOIDCClaims(missing.missingOIDCClaims);
  }
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

function interactionPages(provider) {
  return async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
    if (!match) {
      return next();
    }
    const [, uid, action] = match;
    ctx.set('cache-control', 'no-store');
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      ctx.status = 400;
      return page(ctx, 'OpenID provider error', errorParagraph({ error: err.message }));
    }
    let result;
    if (ctx.method === 'GET' && action === undefined) {
      if (details.prompt.name === 'login') {
        return loginPage(ctx, uid);
      }
      const client = await provider.Client.find(details.params.client_id);
      return consentPage(ctx, uid, client, details.prompt.details);
    } else if (ctx.method === 'GET' && action === 'abort') {
      result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
    } else if (ctx.method === 'POST' && action === 'login') {
      const login = (await formBody(ctx.req)).get('login') ?? '';
      if (!Object.hasOwn(accounts, login)) {
        ctx.status = 401;
        return loginPage(ctx, uid, `unknown login "${login}"; this provider knows: ${knownLogins()}`);
      }
      result = { login: { accountId: accounts[login].sub ?? login } };
    } else if (ctx.method === 'POST' && action === 'confirm') {
      result = { consent: { grantId: await grantConsent(provider, details) } };
    } else {
      return next();
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: action === 'confirm',
    });
    ctx.redirect(returnTo);
    ctx.status = 303;
  };
}

const server = createServer();

server.on('error', (err) => fail(`cannot listen on ${host}:${config.port ?? 0}: ${err.message}`));

// oidc-provider checks a configured client's metadata on its first use; check them all now,
// so a bad client stops the start with the reason rather than failing a flow later.
async function checkClients(provider) {
  for (const { client_id: clientId } of configuration.clients) {
    try {
      await provider.Client.find(clientId);
    } catch (err) {
      fail(`client ${clientId}: ${err.message}${err.error_description ? ` (${err.error_description})` : ''}`);
    }
  }
}

// The issuer must carry the real port, known only once listening (port 0 picks a free one).
server.listen(config.port ?? 0, host, async () => {
  const issuer = `http://${host}:${server.address().port}`;
  let provider;
  try {
    provider = new Provider(issuer, configuration);
  } catch (err) {
    fail(`oidc-provider refused the configuration: ${err.message}`);
  }
  await checkClients(provider);
  provider.on('server_error', (ctx, err) => {
    console.error(`server_error on ${ctx.method} ${ctx.path}:`, err);
  });
  provider.use(interactionPages(provider));
  server.on('request', provider.callback());
  process.stdout.write(`READY ${issuer}\n`);
});

function shutDown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}

process.on('SIGTERM', shutDown);
process.on('SIGINT', shutDown);
