// A real OpenID provider for the OpenID Connect sign-in tests (tests/accounts/test_oidc.py):
// panva's certified oidc-provider, with a client and accounts read from a JSON file the test
// writes. Only the sign-in and consent pages are ours (oidc-provider leaves them to the host);
// authorization, tokens, ID-token signing (RS256), JWKS and userinfo are the library's.
//
//   node provider.mjs <config.json>
//
// config.json: {"port": 0, "client": {"client_id", "client_secret", "redirect_uris"},
//               "accounts": {"<id>": {"password", "disabled": false, "claims": {...}}}}
// Accounts are read again at every lookup, so a test can change a user's groups (as an
// administrator would in the firm's identity provider) by rewriting the file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const configPath = process.argv[2];
const readConfig = () => JSON.parse(fs.readFileSync(configPath, 'utf8'));
const config = readConfig();
const port = Number(config.port);
const issuer = `http://127.0.0.1:${port}`;

const accounts = () => readConfig().accounts;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      ...config.client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'department'],
    groups: ['groups'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account || account.disabled) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
});

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page(res, status, prompt, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证（测试）</title></head>
<body data-prompt="${prompt}"><h1>统一身份认证（测试提供方）</h1>${body}</body></html>`);
}

function loginPage(res, uid, error = '') {
  page(res, 200, 'login', `${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label>账号 <input name="login" autofocus></label>
  <label>密码 <input name="password" type="password"></label>
  <button type="submit">登录</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">取消</button></form>`);
}

function consentPage(res, uid, clientId, scopes) {
  page(res, 200, 'consent', `<p>应用 ${escape(clientId)} 请求读取：${escape(scopes.join(' '))}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">同意</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">拒绝</button></form>`);
}

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return Object.fromEntries(new URLSearchParams(raw));
}

async function interaction(req, res) {
  const [, , uid, action] = new URL(req.url, issuer).pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params } = details;

  if (req.method === 'GET') {
    if (prompt.name === 'login') return loginPage(res, uid);
    const scopes = [...(prompt.details.missingOIDCScope || []), ...(prompt.details.missingOIDCClaims || [])];
    return consentPage(res, uid, params.client_id, scopes);
  }
  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
  }
  if (action === 'login') {
    const form = await formBody(req);
    const account = accounts()[form.login];
    if (!account || account.password !== form.password) return loginPage(res, uid, '账号或密码错误');
    if (account.disabled) return loginPage(res, uid, '此账号已停用，请联系管理员');
    return provider.interactionFinished(req, res, { login: { accountId: form.login } }, {
      mergeWithLastSubmission: false,
    });
  }
  if (action === 'confirm') {
    const { accountId } = details.session;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  res.statusCode = 404;
  res.end();
}

const callback = provider.callback();
http
  .createServer((req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((err) => {
        res.statusCode = 400;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`interaction failed: ${err.message}`);
      });
      return;
    }
    callback(req, res);
  })
  .listen(port, '127.0.0.1', () => {
    console.log(`listening ${issuer}`);
  });
