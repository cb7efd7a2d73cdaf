import { createHash } from 'node:crypto';
import { CHARTS_JS } from './charts.js';

/**
 * The KPI page (issue 19): one self-contained HTML document, the same for every reader. It holds
 * no data: its script signs the reader in against the Cognito user-pool API with `fetch`
 * (`InitiateAuth` USER_PASSWORD_AUTH, the `SOFTWARE_TOKEN_MFA` challenge answered with the TOTP
 * code), keeps the tokens in memory only (a reload signs out; nothing in localStorage or cookies),
 * reads `GET /v1/analytics/kpis` three times (by month, jurisdiction and reason) with the reader's
 * bearer token, and draws the charts as inline SVG (charts.ts) with a table beside each.
 *
 * The Content-Security-Policy allows the one inline script and the one inline style by SHA-256
 * hash (the page is the same for everyone, so the hashes are constants), requests to the page's
 * own origin (the API) and to the Cognito endpoint only, and nothing else. The configuration (the
 * Cognito endpoint and the people app client id, neither a secret) travels in a JSON data block,
 * which no policy needs to allow because it never runs.
 */

/** What the page needs to sign a reader in. */
export interface AnalyticsPageConfig {
  /** The Cognito user-pool API: `https://cognito-idp.<region>.amazonaws.com/` in AWS, cognito-local locally. */
  readonly cognitoEndpoint: string;
  /** The people app client (no secret) whose ExplicitAuthFlows include USER_PASSWORD_AUTH. */
  readonly clientId: string;
  /**
   * The reader types the API key too: in AWS every authenticated method requires one (usage plan);
   * the local stack checks none.
   */
  readonly askApiKey: boolean;
}

/** The words the page shows; exported so tests look for the same ones. */
export const ANALYTICS_PAGE_MESSAGES = {
  badPassword: 'The email or password is not right.',
  badCode:
    'That code is not right or has expired: enter the current 6-digit code from your authenticator app.',
  codeFormat: 'Enter the 6-digit code from your authenticator app.',
  setup:
    'This account must finish setting up (a new password or an authenticator app) before it can use this page. Ask your administrator.',
  tooMany: 'Too many attempts: wait a few minutes and try again.',
  signInFailed: 'Signing in failed. Try again in a minute.',
  network: 'The service could not be reached: check the connection and try again.',
  unauthorised: 'Your sign-in has expired or was not accepted. Sign in again.',
  forbidden:
    'Your account may not read analytics. Ask your administrator to add you to the analytics-viewers group.',
  unavailable: 'Analytics are not available right now. Try again in a few minutes.',
  range: 'Choose a first month that is not after the last month.',
  loading: 'Loading the KPIs…',
  shape:
    'The KPIs could not be shown: the service answered in a form this page does not know. Reload the page.',
  signedOut: 'You are signed out.',
} as const;

/** The id of the JSON block that carries the configuration. */
export const CONFIG_ELEMENT_ID = 'analytics-config';

const CSS = `
:root{color-scheme:light;--text:#1b1b1b;--muted:#4a4a4a;--rule:#b9c1cc;--head:#eef2f7;--error:#a4000f;--link:#0a4fa8}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--text);background:#fff}
main{max-width:64rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .5rem;border-bottom:1px solid var(--rule)}
h3{font-size:1.05rem;margin:1rem 0 .25rem}
form{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:.5rem 0}
label{display:flex;flex-direction:column;font-weight:600;min-width:0}
input{font:inherit;padding:.4rem .5rem;border:1px solid var(--muted);border-radius:4px;max-width:100%}
button{font:inherit;padding:.45rem 1rem;border:1px solid var(--link);border-radius:4px;background:var(--link);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--link)}
button:disabled{opacity:.6;cursor:default}
:focus-visible{outline:3px solid #c55a00;outline-offset:2px}
.error{color:var(--error);font-weight:600}
.error:empty,.status:empty{display:none}
.status{color:var(--muted)}
dl.totals{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.5rem;margin:.5rem 0}
dl.totals div{border:1px solid var(--rule);border-radius:4px;padding:.4rem .6rem}
dl.totals dt{font-size:.85rem;color:var(--muted)}dl.totals dd{margin:0;font-size:1.1rem;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
figure{margin:0;min-width:0}figcaption{font-weight:600;margin:.25rem 0}
svg{display:block;max-width:36rem;height:auto}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--rule);padding:.25rem .5rem;text-align:right;white-space:nowrap}
th[scope=col]{background:var(--head)}th[scope=row]{text-align:left}
.bar text{font-size:11px}
@media (max-width:30rem){main{padding:.6rem}h1{font-size:1.35rem}}
`.trim();

/** The page's one script: the drawing functions (charts.ts), then sign-in, the KPI reads and the page. */
const SCRIPT = `'use strict';
${CHARTS_JS}
(function () {
  var MESSAGES = ${JSON.stringify(ANALYTICS_PAGE_MESSAGES)};
  var config = JSON.parse(document.getElementById(${JSON.stringify(CONFIG_ELEMENT_ID)}).textContent);
  // The tokens live in this closure only: never in storage or cookies, gone when the tab closes.
  var session = null;
  var challenge = null;
  var $ = function (id) { return document.getElementById(id); };
  var signin = $('signin');
  var passwordForm = $('password-form');
  var codeForm = $('code-form');
  var signinError = $('signin-error');
  var kpis = $('kpis');
  var rangeForm = $('range-form');
  var status = $('status');
  var error = $('kpi-error');
  var results = $('results');
  if (config.askApiKey) $('api-key-field').hidden = false;

  function cognito(target, body) {
    return fetch(config.cognitoEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.' + target
      },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { ok: response.ok, status: response.status, body: json };
      });
    });
  }
  function cognitoMessage(answer) {
    var type = String((answer.body && answer.body.__type) || '').split('#').pop();
    // Cognito answers a wrong password NotAuthorizedException; cognito-local InvalidPasswordException.
    if (type === 'NotAuthorizedException' || type === 'UserNotFoundException' || type === 'InvalidPasswordException') {
      return /session/i.test(String(answer.body.message || '')) ? MESSAGES.badCode : MESSAGES.badPassword;
    }
    if (type === 'CodeMismatchException' || type === 'ExpiredCodeException') return MESSAGES.badCode;
    if (type === 'PasswordResetRequiredException' || type === 'UserNotConfirmedException') return MESSAGES.setup;
    if (type === 'TooManyRequestsException' || type === 'LimitExceededException' || type === 'TooManyFailedAttemptsException') return MESSAGES.tooMany;
    return MESSAGES.signInFailed;
  }
  function busy(form, on) {
    Array.prototype.forEach.call(form.querySelectorAll('button, input'), function (el) { el.disabled = on; });
  }
  function showSignIn(message) {
    session = null;
    challenge = null;
    kpis.hidden = true;
    results.innerHTML = '';
    signin.hidden = false;
    codeForm.hidden = true;
    passwordForm.hidden = false;
    $('password').value = '';
    $('code').value = '';
    signinError.textContent = message || '';
    $('email').focus();
  }
  function signedIn(result) {
    session = { accessToken: result.AccessToken, refreshToken: result.RefreshToken || null };
    challenge = null;
    signin.hidden = true;
    kpis.hidden = false;
    $('password').value = '';
    $('code').value = '';
    load();
  }

  passwordForm.addEventListener('submit', function (event) {
    event.preventDefault();
    signinError.textContent = '';
    var email = $('email').value.trim();
    busy(passwordForm, true);
    cognito('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: config.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: $('password').value }
    }).then(function (answer) {
      busy(passwordForm, false);
      if (!answer.ok) { signinError.textContent = cognitoMessage(answer); return; }
      if (answer.body.AuthenticationResult) { signedIn(answer.body.AuthenticationResult); return; }
      if (answer.body.ChallengeName !== 'SOFTWARE_TOKEN_MFA') { signinError.textContent = MESSAGES.setup; return; }
      var parameters = answer.body.ChallengeParameters || {};
      challenge = { session: answer.body.Session, username: parameters.USER_ID_FOR_SRP || email };
      $('password').value = '';
      passwordForm.hidden = true;
      codeForm.hidden = false;
      $('code').focus();
    }, function () {
      busy(passwordForm, false);
      signinError.textContent = MESSAGES.network;
    });
  });

  codeForm.addEventListener('submit', function (event) {
    event.preventDefault();
    signinError.textContent = '';
    var code = $('code').value.replace(/\\s+/g, '');
    if (!/^\\d{6}$/.test(code)) { signinError.textContent = MESSAGES.codeFormat; return; }
    if (challenge === null) { showSignIn(); return; }
    busy(codeForm, true);
    cognito('RespondToAuthChallenge', {
      ClientId: config.clientId,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, SOFTWARE_TOKEN_MFA_CODE: code }
    }).then(function (answer) {
      busy(codeForm, false);
      if (answer.ok && answer.body.AuthenticationResult) { signedIn(answer.body.AuthenticationResult); return; }
      // A session is good for one wrong code at most in Cognito: start again from the password.
      if (answer.ok && answer.body.Session) challenge.session = answer.body.Session;
      signinError.textContent = answer.ok ? MESSAGES.setup : cognitoMessage(answer);
    }, function () {
      busy(codeForm, false);
      signinError.textContent = MESSAGES.network;
    });
  });

  $('signout').addEventListener('click', function () {
    var refresh = session && session.refreshToken;
    if (refresh) {
      // Revokes the refresh token and the access tokens issued from it; the page forgets them either way.
      cognito('RevokeToken', { Token: refresh, ClientId: config.clientId }).catch(function () {});
    }
    showSignIn(MESSAGES.signedOut);
  });

  function monthsBefore(month, n) {
    var y = Number(month.slice(0, 4));
    var m = Number(month.slice(5, 7)) - 1 - n;
    y += Math.floor(m / 12);
    m = ((m % 12) + 12) % 12;
    return y + '-' + (m < 9 ? '0' : '') + (m + 1);
  }
  var now = new Date();
  var thisMonth = now.getFullYear() + '-' + (now.getMonth() < 9 ? '0' : '') + (now.getMonth() + 1);
  $('from').value = monthsBefore(thisMonth, 11);
  $('to').value = thisMonth;

  rangeForm.addEventListener('submit', function (event) {
    event.preventDefault();
    load();
  });

  function kpiRequest(groupBy) {
    var query = 'from=' + encodeURIComponent($('from').value) + '&to=' + encodeURIComponent($('to').value) + '&groupBy=' + groupBy;
    var headers = { authorization: 'Bearer ' + session.accessToken, accept: 'application/json' };
    var key = $('api-key').value.trim();
    if (config.askApiKey && key) headers['x-api-key'] = key;
    // Relative to the page: /analytics locally, /<stage>/analytics behind API Gateway.
    return fetch('v1/analytics/kpis?' + query, { headers: headers, credentials: 'omit', cache: 'no-store' })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return { status: response.status, body: body };
        });
      });
  }
  function problem(answer) {
    if (answer.status === 401) return MESSAGES.unauthorised;
    if (answer.status === 403) return MESSAGES.forbidden;
    if (answer.status === 503 || answer.status === 502 || answer.status === 504) return MESSAGES.unavailable;
    var body = answer.body || {};
    var fields = (body.errors || []).map(function (e) { return e.field + ': ' + e.errorMessage; }).join(' ');
    return (body.userMessage || ('The KPIs could not be read (HTTP ' + answer.status + ').')) + (fields ? ' ' + fields : '');
  }
  var loading = 0;
  function load() {
    if (session === null) return;
    error.textContent = '';
    if (!/^\\d{4}-\\d{2}$/.test($('from').value) || !/^\\d{4}-\\d{2}$/.test($('to').value) || $('from').value > $('to').value) {
      error.textContent = MESSAGES.range;
      return;
    }
    var mine = ++loading;
    status.textContent = MESSAGES.loading;
    results.setAttribute('aria-busy', 'true');
    Promise.all([kpiRequest('month'), kpiRequest('jurisdiction'), kpiRequest('reason')]).then(function (answers) {
      if (mine !== loading) return;
      status.textContent = '';
      results.removeAttribute('aria-busy');
      var failed = answers.filter(function (a) { return a.status !== 200; })[0];
      if (failed) {
        results.innerHTML = '';
        if (failed.status === 401) { showSignIn(MESSAGES.unauthorised); return; }
        error.textContent = problem(failed);
        return;
      }
      try {
        results.innerHTML = draw(answers[0].body, answers[1].body, answers[2].body);
      } catch (e) {
        // An answer of another shape (a newer API, a proxy's page) is said in words, never half drawn.
        results.innerHTML = '';
        error.textContent = MESSAGES.shape;
        return;
      }
      $('results-heading').focus();
    }, function () {
      if (mine !== loading) return;
      status.textContent = '';
      results.removeAttribute('aria-busy');
      error.textContent = MESSAGES.network;
    });
  }

  var GROUP_COLUMNS = function (label, kind) {
    return [
      { field: 'key', label: label, kind: kind },
      { field: 'bills', label: 'Bills', kind: 'count' },
      { field: 'lines', label: 'Lines', kind: 'count' },
      { field: 'billed', label: 'Billed', kind: 'money' },
      { field: 'allowed', label: 'Allowed', kind: 'money' },
      { field: 'savings', label: 'Savings', kind: 'money' },
      { field: 'savingsRate', label: 'Savings rate', kind: 'rate' }
    ];
  };
  var REDUCTION_COLUMNS = function (label) {
    return [
      { field: 'key', label: label, kind: 'text' },
      { field: 'lines', label: 'Lines', kind: 'count' },
      { field: 'amount', label: 'Withheld', kind: 'money' }
    ];
  };
  var TOP_COLUMNS = function (label) {
    return [
      { field: 'key', label: label, kind: 'text' },
      { field: 'lines', label: 'Lines', kind: 'count' },
      { field: 'billed', label: 'Billed', kind: 'money' },
      { field: 'savings', label: 'Savings', kind: 'money' }
    ];
  };
  function bars(rows, field, text) {
    return rows.map(function (r) { return { label: r.key === undefined ? r.reason : r.key, value: r[field], text: text(r) }; });
  }
  function draw(byMonth, byJurisdiction, byReason) {
    var t = byMonth.totals;
    var totals = [
      ['Bills', count(t.bills), 'bills', t.bills], ['Lines', count(t.lines), 'lines', t.lines],
      ['Billed', money(t.billed), 'billed', t.billed], ['Allowed', money(t.allowed), 'allowed', t.allowed],
      ['Savings', money(t.savings), 'savings', t.savings], ['Savings rate', rate(t.savingsRate), 'savingsRate', t.savingsRate === null ? '' : t.savingsRate],
      ['Unpriced lines', count(t.unpricedLines), 'unpricedLines', t.unpricedLines], ['Unpriced billed', money(t.unpricedBilled), 'unpricedBilled', t.unpricedBilled]
    ];
    var out = '<h2 id="results-heading" tabindex="-1">' + esc(monthLabel(byMonth.from)) + ' to ' + esc(monthLabel(byMonth.to)) + '</h2>';
    out += '<dl class="totals" id="totals">' + totals.map(function (x) {
      return '<div><dt>' + x[0] + '</dt><dd data-field="' + x[2] + '"><data value="' + esc(x[3]) + '">' + esc(x[1]) + '</data></dd></div>';
    }).join('') + '</dl>';
    var months = byMonth.groups || [];
    out += '<h2>Over time</h2><div class="charts">' +
      '<figure>' + monthChart('chart-month', 'Billed and allowed by month', months) + '</figure>' +
      '<figure>' + rateChart('chart-rate', 'Savings rate by month', months) + '</figure></div>' +
      kpiTable('month', 'By month', GROUP_COLUMNS('Month', 'month'), months);
    var jurisdictions = byJurisdiction.groups || [];
    out += '<h2>By jurisdiction</h2><div class="charts">' +
      '<figure>' + barChart('chart-jurisdiction-savings', 'Savings by jurisdiction', bars(jurisdictions, 'savings', function (r) { return money(r.savings) + ' (' + rate(r.savingsRate) + ')'; }), '#0a6e4f') + '</figure>' +
      '<figure>' + barChart('chart-jurisdiction-billed', 'Billed by jurisdiction', bars(jurisdictions, 'billed', function (r) { return money(r.billed); }), '#5b6b7f') + '</figure></div>' +
      kpiTable('jurisdiction', 'By jurisdiction', GROUP_COLUMNS('Jurisdiction', 'text'), jurisdictions);
    out += '<h2>Reductions</h2><div class="charts">' +
      '<figure>' + barChart('chart-reason', 'Withheld by reason code', bars(byMonth.reductionsByReason, 'amount', function (r) { return money(r.amount); }), '#8a4b08') + '</figure>' +
      '<figure>' + barChart('chart-bucket', 'Withheld by bucket', bars(byMonth.reductionsByBucket, 'amount', function (r) { return money(r.amount); }), '#6b3fa0') + '</figure></div>' +
      kpiTable('reductionsByReason', 'Withheld by reason code', REDUCTION_COLUMNS('Reason'), byMonth.reductionsByReason) +
      kpiTable('reductionsByBucket', 'Withheld by bucket', REDUCTION_COLUMNS('Bucket'), byMonth.reductionsByBucket) +
      kpiTable('reductionsByRule', 'Withheld by rule', REDUCTION_COLUMNS('Rule'), byMonth.reductionsByRule) +
      kpiTable('reason', 'Lines by reason code', GROUP_COLUMNS('Reason', 'text'), byReason.groups || []);
    out += '<h2>Top codes and providers</h2>' +
      kpiTable('topCodesByBilled', 'Top codes by billed', TOP_COLUMNS('Code'), byMonth.topCodes.byBilled) +
      kpiTable('topCodesBySavings', 'Top codes by savings', TOP_COLUMNS('Code'), byMonth.topCodes.bySavings) +
      kpiTable('topProvidersByBilled', 'Top providers by billed', TOP_COLUMNS('Provider NPI'), byMonth.topProviders.byBilled) +
      kpiTable('topProvidersBySavings', 'Top providers by savings', TOP_COLUMNS('Provider NPI'), byMonth.topProviders.bySavings);
    var unpriced = byMonth.unpriced.map(function (u) { return { key: u.reason, lines: u.lines, billed: u.billed }; });
    out += '<h2>Unpriced lines</h2>' +
      '<figure>' + barChart('chart-unpriced', 'Unpriced lines by why', bars(unpriced, 'lines', function (r) { return count(r.lines) + (r.lines === 1 ? ' line, ' : ' lines, ') + money(r.billed); }), '#a4000f') + '</figure>' +
      kpiTable('unpriced', 'Unpriced lines by why', [
        { field: 'key', label: 'Why', kind: 'text' },
        { field: 'lines', label: 'Lines', kind: 'count' },
        { field: 'billed', label: 'Billed', kind: 'money' }
      ], unpriced);
    return out;
  }
  $('email').focus();
})();
`;

function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's Content-Security-Policy: its script and style by hash, requests to its own origin and
 * the Cognito endpoint's, nothing else. `frame-ancestors` works only as a header (the handler sends
 * this as one); the page's `<meta>` copy leaves it out.
 *
 * @param config - the page's configuration (its Cognito endpoint's origin is allowed to connect)
 * @returns the policy
 */
export function analyticsPageSecurityPolicy(config: Pick<AnalyticsPageConfig, 'cognitoEndpoint'>): string {
  return [
    "default-src 'none'",
    `script-src ${sha256Source(SCRIPT)}`,
    `style-src ${sha256Source(CSS)}`,
    "img-src 'none'",
    "font-src 'none'",
    `connect-src 'self' ${new URL(config.cognitoEndpoint).origin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Checks a configuration before it goes into a page: an http(s) endpoint and a client id of the
 * characters Cognito uses.
 *
 * @param config - the candidate configuration
 * @returns why it cannot be used, or null when it can
 */
export function analyticsPageConfigProblem(config: AnalyticsPageConfig): string | null {
  let endpoint: URL;
  try {
    endpoint = new URL(config.cognitoEndpoint);
  } catch {
    return 'the Cognito endpoint is not a URL';
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:')
    return 'the Cognito endpoint is not http(s)';
  if (!/^[A-Za-z0-9]{1,128}$/.test(config.clientId)) return 'the app client id is not a Cognito client id';
  return null;
}

const HEAD = (title: string, policy: string) => `<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow, noarchive">
<title>${title}</title>
<style>${CSS}</style>
</head>`;

/**
 * Renders the KPI page with its sign-in configuration.
 *
 * @param config - the Cognito endpoint, the people app client id, whether to ask for an API key
 * @returns the HTML document (UTF-8)
 * @throws Error when the configuration is not usable (see {@link analyticsPageConfigProblem})
 * @example
 * ```ts
 * const html = renderAnalyticsPage({ cognitoEndpoint: 'https://cognito-idp.us-east-1.amazonaws.com/', clientId, askApiKey: true });
 * ```
 */
export function renderAnalyticsPage(config: AnalyticsPageConfig): string {
  const problem = analyticsPageConfigProblem(config);
  if (problem !== null) throw new Error(`KPI page configuration: ${problem}`);
  const policy = analyticsPageSecurityPolicy(config).replace("; frame-ancestors 'none'", '');
  // JSON in a data block: "<" escaped so no value can end the element.
  const configJson = JSON.stringify({
    cognitoEndpoint: config.cognitoEndpoint,
    clientId: config.clientId,
    askApiKey: config.askApiKey,
  }).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
${HEAD('Bill review KPIs', policy)}
<body>
<main>
<h1>Bill review KPIs</h1>
<section id="signin" aria-labelledby="signin-heading">
<h2 id="signin-heading">Sign in</h2>
<p>Sign in with your account and the code from your authenticator app. The page keeps your sign-in in this tab only: closing or reloading it signs you out.</p>
<form id="password-form" novalidate>
<label for="email">Email<input id="email" type="email" autocomplete="username" required></label>
<label for="password">Password<input id="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<form id="code-form" novalidate hidden>
<label for="code">Code from your authenticator app<input id="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required></label>
<button type="submit">Verify</button>
</form>
<p id="signin-error" class="error" role="alert"></p>
</section>
<section id="kpis" aria-labelledby="kpis-heading" hidden>
<h2 id="kpis-heading">Range</h2>
<form id="range-form" novalidate>
<label for="from">From month<input id="from" type="month" required></label>
<label for="to">To month<input id="to" type="month" required></label>
<label for="api-key" id="api-key-field" hidden>API key<input id="api-key" type="password" autocomplete="off"></label>
<button type="submit">Show</button>
<button type="button" id="signout" class="secondary">Sign out</button>
</form>
<p id="status" class="status" role="status" aria-live="polite"></p>
<p id="kpi-error" class="error" role="alert"></p>
<div id="results"></div>
</section>
<noscript><p>This page needs JavaScript.</p></noscript>
</main>
<script type="application/json" id="${CONFIG_ELEMENT_ID}">${configJson}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The page a deployment without the sign-in settings answers (with 503): in words, no script.
 *
 * @returns the HTML document
 */
export function analyticsPageUnavailable(): string {
  const policy = "default-src 'none'; base-uri 'none'; form-action 'none'";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<title>Bill review KPIs: not available</title>
</head>
<body>
<main>
<h1>The KPI page is not available</h1>
<p>This deployment has no sign-in settings for the KPI page. Ask the administrator to configure it; the KPI data can still be read from the API (GET /v1/analytics/kpis).</p>
</main>
</body>
</html>
`;
}
