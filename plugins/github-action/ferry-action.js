#!/usr/bin/env node
// The GitHub Action's script (Node 20, no dependencies). Two sub-commands:
//
//   node ferry-action.js resolve-version   outputs version, sha256, tool-cache for the install step
//   node ferry-action.js run               runs ferry with the action's inputs, then writes the
//                                          outputs, the job summary and error annotations
//
// Inputs arrive as environment variables (FERRY_INPUT_*), never pasted into a shell line, and reach
// ferry as an argument list (spawnSync without a shell): a hostile value stays one literal argument.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const os = require('os');
const http = require('http');
const https = require('https');
const { spawnSync } = require('child_process');

const COMMANDS = ['promote', 'verify', 'rollback', 'release', 'plan', 'status', 'build', 'scan', 'test-image'];

// A copy of the CLI's service-name grammar (dev.ferry.core.config.Names.GRAMMAR, the names ferry.yaml
// allows); FerryActionScriptTest compares it with docs/json/contract.json, which the CLI writes. A
// name outside it (--approved-by=alice, @file, $(id)) is refused before it reaches the command line.
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function input(name) {
  return (process.env['FERRY_INPUT_' + name.toUpperCase().replace(/-/g, '_')] || '').trim();
}

function lines(text) {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

class InputError extends Error {}

/** The ferry argument list for the action's inputs (without --json). */
function ferryArguments(env) {
  const get = (name) => (env['FERRY_INPUT_' + name] || '').trim();
  const command = get('COMMAND');
  if (!COMMANDS.includes(command)) {
    throw new InputError(`input command: '${command}' is not one of ${COMMANDS.join(', ')}`);
  }
  const config = get('CONFIG') || 'ferry.yaml';
  const services = lines(get('SERVICES'));
  const target = get('TO') || get('ENV');
  const extra = lines(env.FERRY_INPUT_ARGS || '');
  const requireTarget = (what) => {
    if (!target) throw new InputError(`input ${what} is required for ${command}`);
  };
  const serviceName = (name) => {
    if (!SERVICE_NAME.test(name)) {
      throw new InputError(`input services: '${inert(name)}' is not a service name (${SERVICE_NAME.source} as in ferry.yaml)`);
    }
    return name;
  };
  const pairs = () => services.map((s) => {
    const eq = s.indexOf('=');
    if (eq <= 0 || !/^\S+$/.test(s.slice(eq + 1))) throw new InputError(`input services: '${inert(s)}' is not name=image`);
    return `${serviceName(s.slice(0, eq).trim())}=${s.slice(eq + 1)}`;
  });
  const names = () => services.map((s) => serviceName(s));
  // Values go in as --option=VALUE, and services and images after '--': a value that starts with '-'
  // or '@' stays a value, never an option.
  const configOption = `--config=${config}`;
  switch (command) {
    case 'promote':
    case 'plan': {
      if (services.length === 0) throw new InputError(`input services is required for ${command}: one name=image a line`);
      const positional = pairs();
      requireTarget('to');
      const args = [command, configOption, `--to=${target}`, ...extra];
      const wait = get('WAIT');
      if (command === 'promote' && wait && wait !== 'false') {
        // pull-request mode: wait for the merge; 'true' takes ferry's default, else a duration like 2h
        if (wait !== 'true' && !/^[0-9][0-9hms]*$/.test(wait)) {
          throw new InputError(`input wait: '${inert(wait)}' is not true or a duration like 30m or 2h`);
        }
        args.push(wait === 'true' ? '--wait' : `--wait=${wait}`);
      }
      if (command === 'promote' && !extra.some((a) => a === '--source' || a.startsWith('--source=')) && env.GITHUB_RUN_ID) {
        args.push(`--source=${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`);
      }
      // lead time: the commit this workflow built; ferry reads its time from the checkout
      if (command === 'promote' && !extra.some((a) => a === '--source-commit' || a.startsWith('--source-commit='))
        && /^[0-9a-f]{40,64}$/.test(env.GITHUB_SHA || '')) {
        args.push(`--source-commit=${env.GITHUB_SHA}`);
      }
      return [...args, '--', ...positional];
    }
    case 'verify':
      requireTarget('env');
      return ['verify', configOption, `--env=${target}`, ...extra, '--', ...names()];
    case 'rollback':
      requireTarget('env');
      if (services.length !== 1) throw new InputError('input services: rollback takes exactly one service name');
      return ['rollback', configOption, `--env=${target}`, ...extra, '--', ...names()];
    case 'release': {
      requireTarget('env');
      if (services.length !== 1) throw new InputError('input services: release takes exactly one name=image, the blocked image');
      const [pair] = pairs();
      const eq = pair.indexOf('=');
      return ['release', configOption, `--env=${target}`, ...extra, '--', pair.slice(0, eq), pair.slice(eq + 1)];
    }
    case 'status':
      return ['status', configOption, ...extra];
    default:
      if (extra.length === 0) throw new InputError(`input args is required for ${command} (e.g. --image on one line, the image on the next)`);
      return [command, ...extra];
  }
}

// ---- The promotion button: who approved this run's deployment ------------------------------

class ApiError extends Error {}

/** GET a JSON document from the GitHub API with a bearer token; TLS verification stays on. */
function getJson(url, token) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
    if (!lib) {
      reject(new ApiError(`GITHUB_API_URL must be an http(s) URL, not ${u.protocol}`));
      return;
    }
    const headers = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'ferry-action',
    };
    const req = lib.get(u, { headers, timeout: 30000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new ApiError(`GET ${url} answered ${res.statusCode}${res.statusCode === 403 || res.statusCode === 404
            ? ' (the token needs permission actions: read)' : ''}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(new ApiError(`GET ${url} answered no JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new ApiError(`GET ${url} timed out after 30 s`)));
    req.on('error', (e) => reject(e instanceof ApiError ? e : new ApiError(`GET ${url} failed: ${e.message}`)));
  });
}

/**
 * The login of the reviewer who approved this workflow run's deployment to a GitHub environment
 * (the latest approval in the run's review log), or null when nobody did. GitHub's REST API:
 * GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals.
 */
async function environmentApprover(env, environment) {
  const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const url = `${api}/repos/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/approvals`;
  const reviews = await getJson(url, env.FERRY_GITHUB_TOKEN);
  const approved = (Array.isArray(reviews) ? reviews : []).filter((r) => r && r.state === 'approved'
    && r.user && typeof r.user.login === 'string' && r.user.login !== ''
    && Array.isArray(r.environments) && r.environments.some((e) => e && e.name === environment));
  return approved.length === 0 ? null : approved[approved.length - 1].user.login;
}

/**
 * With input approval: environment, adds --approved-by with the reviewer who approved the GitHub
 * environment (the approver is never taken from an input or from who started the run).
 * Returns { args } (with the approver) or { unapproved: ENVIRONMENT } when nobody approved it;
 * throws InputError for a wrong input and ApiError when GitHub cannot be asked.
 */
async function withApprover(args, env) {
  const get = (name) => (env['FERRY_INPUT_' + name] || '').trim();
  const approval = get('APPROVAL');
  if (approval === '') return { args };
  if (approval !== 'environment') {
    throw new InputError(`input approval: '${approval}' is not 'environment' (or empty)`);
  }
  if (args[0] !== 'promote') throw new InputError(`input approval applies to promote, not ${args[0]}`);
  if (args.some((a) => a === '--approved-by' || a.startsWith('--approved-by=') || a.startsWith('--approval-source'))) {
    throw new InputError('input approval: environment records the reviewer itself; remove --approved-by from args');
  }
  if (!env.FERRY_GITHUB_TOKEN) throw new InputError('input approval: environment needs input github-token (github.token works)');
  const environment = get('GITHUB_ENVIRONMENT') || get('TO') || get('ENV');
  const approver = await environmentApprover(env, environment);
  if (approver === null) return { unapproved: environment };
  // before '--', and with its source: ferry checks the review log again itself (FERRY_GITHUB_TOKEN)
  const end = args.indexOf('--');
  return { args: [...args.slice(0, end), `--approved-by=${approver}`, '--approval-source=github-environment',
    `--github-environment=${environment}`, ...args.slice(end)] };
}

// ---- GitHub runner files ------------------------------------------------------------------

function setOutput(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  const text = String(value ?? '');
  if (!file) {
    process.stderr.write(`output ${name}=${inert(text)}\n`);
    return;
  }
  // The multi-line syntax with a delimiter that cannot occur in the value.
  let delimiter;
  do {
    delimiter = `ferry_${crypto.randomBytes(12).toString('hex')}`;
  } while (text.includes(delimiter));
  fs.appendFileSync(file, `${name}<<${delimiter}\n${text}\n${delimiter}\n`);
}

function summary(markdown) {
  if (process.env.GITHUB_STEP_SUMMARY) {
    fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown.endsWith('\n') ? markdown : markdown + '\n');
  }
}

/**
 * Text from outside made inert before this script prints it, by the CLI's rules (dev.ferry.cli.Inert):
 * line breaks become a visible \\n, other control characters \\uXXXX, and a leading '::' (a runner
 * command) becomes ': :'.
 */
function inert(text) {
  const line = String(text ?? '').replace(/\r\n/g, '\n')
    .replace(/[\n\r\u2028\u2029\u0085]/g, '\\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
      (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return line.replace(/^(\s*)::/, '$1: :');
}

function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s) {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** A workflow command annotation: ::error file=F,line=L,col=C,title=T::message */
function annotate(level, message, props = {}) {
  const parts = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(inert(v))}`);
  // each line of the message inert (no ESC, no command), the line breaks kept as the runner's %0A
  const text = String(message).split(/\r?\n/).map(inert).join('\n');
  process.stdout.write(`::${level}${parts.length ? ' ' + parts.join(',') : ''}::${escapeData(text)}\n`);
}

// ---- Markdown ------------------------------------------------------------------------------

/** Markdown already written by this script (a code span), kept as it is by cell(). */
class Md {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/**
 * Outside text as Markdown that renders as that text: HTML's < > & as entities (no tags, no
 * images), Markdown's punctuation backslash-escaped (no links, emphasis or table breaks), one line.
 */
function cell(v) {
  if (v instanceof Md) return v.text;
  return inert(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/[\\`*_{}\[\]()#+!|~"']/g, (c) => '\\' + c);
}

function table(header, rows) {
  if (rows.length === 0) return '';
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}

/** The pull request's URL from ferry's result, only when it is a plain http(s) URL (it becomes a link). */
function pullRequestUrl(json) {
  const url = json && json.pullRequest && typeof json.pullRequest.url === 'string' ? json.pullRequest.url : '';
  return /^https?:\/\/[^\s<>"'`()[\]]+$/.test(url) ? url : '';
}

/** A code span: nothing inside renders as Markdown or HTML; a backtick or line break cannot end it. */
function code(v) {
  return new Md('`' + inert(v).replace(/`/g, "'").replace(/\|/g, '\\|') + '`');
}

const STATUS_ICON = { PASSED: '✅', FAILED: '❌', ERRORED: '⚠️', RUNNING: '⏳' };

function gatesSection(verification) {
  if (!verification || !Array.isArray(verification.outcomes)) return '';
  const passed = verification.passed !== false;
  return `\n**Gates:** ${passed ? 'passed' : 'failed'}\n\n` + table(['gate', 'status', 'reason'],
    verification.outcomes.map((o) => [o.gate, new Md(`${STATUS_ICON[o.status] || ''} ${cell(o.status)}`.trim()), o.reason]));
}

/** promote --verify and verify print the same flat fields (docs/json.md): passed, outcomes, rollbacks, rollbackErrors. */
function verificationOf(json) {
  return json && Array.isArray(json.outcomes) ? json : null;
}

function statusSection(json) {
  // ferry status: {environments: [names], cells: [{service, environment, image, state, ...}], blocks: [...]}
  const envs = Array.isArray(json.environments) ? json.environments.map((e) => (typeof e === 'string' ? e : e.name)) : [];
  const cells = Array.isArray(json.cells) ? json.cells : [];
  if (envs.length === 0 || cells.length === 0) return '```json\n' + JSON.stringify(json, null, 2) + '\n```\n';
  const services = [...new Set(cells.map((c) => c.service))];
  const at = (svc, env) => {
    const c = cells.find((x) => x.service === svc && x.environment === env);
    if (!c || !c.image) return '';
    const image = String(c.image).split('@')[0];
    return c.state ? `${image} (${c.state})` : image;
  };
  let md = table(['service', ...envs], services.map((svc) => [svc, ...envs.map((env) => at(svc, env))]));
  const blocks = Array.isArray(json.blocks) ? json.blocks : [];
  if (blocks.length) {
    md += '\n**Blocked**\n\n' + table(['environment', 'service', 'image', 'reason'],
      blocks.map((b) => [b.environment, b.service, code(b.image), b.reason]));
  }
  return md;
}

function rollbacksSection(rollbacks) {
  if (!Array.isArray(rollbacks) || rollbacks.length === 0) return '';
  return '\n**Rolled back**\n\n' + table(['service', 'restored', 'blocked', 'commit'],
    rollbacks.map((r) => [r.service, code(r.restored), code(r.blocked), r.commit ? code(r.commit) : '']))
    + rollbacks.flatMap((r) => r.rolloutAbortFailures || [])
      .map((f) => `\n> Rollout not aborted: ${cell(f)}. The rollback stands; the canary runs until Argo CD syncs it.\n`).join('');
}

function rollbackErrorsSection(errors) {
  if (!Array.isArray(errors) || errors.length === 0) return '';
  return '\n**Not rolled back**\n\n' + errors.map((e) => `- ${cell(e)}`).join('\n') + '\n';
}

function renderSummary(command, args, exitCode, json) {
  const title = `### Ferry ${command}`;
  if (json && json.error) {
    const e = json.error;
    const where = e.file ? ` (${cell(e.file)}${e.line ? ':' + cell(e.line) : ''}${e.column ? ':' + cell(e.column) : ''})` : '';
    return `${title} failed\n\n${cell(e.message)}${where}\n${e.suggestion ? '\n> ' + cell(e.suggestion) + '\n' : ''}`;
  }
  if (!json) {
    return `${title} failed\n\nferry exited with ${exitCode} without a JSON result; see the log.\n`;
  }
  switch (command) {
    case 'promote':
    case 'plan': {
      const env = json.environment || '';
      let md = `${title}${command === 'plan' ? ' (plan)' : ''}: ${code(env)}\n\n`;
      if (Array.isArray(json.refusals) && json.refusals.length) {
        md += '**Refused**\n\n' + json.refusals.map((r) => `- ${cell(r)}`).join('\n') + '\n\n';
      }
      if (json.noop) md += 'Already in place: nothing to commit.\n\n';
      md += table(['service', 'image'], Object.entries(json.images || {}).map(([s, i]) => [s, code(i)]));
      const facts = [];
      if (json.commit) facts.push(`commit ${code(json.commit)}`);
      if (json.repo) facts.push(`repository ${code(json.repo)}`);
      if (json.mode) facts.push(`mode ${cell(json.mode)}`);
      if (json.promotionId) facts.push(`promotion ${code(json.promotionId)}`);
      if (facts.length) md += '\n' + facts.join(', ') + '\n';
      if (Array.isArray(json.files) && json.files.length) md += '\nFiles: ' + json.files.map(code).join(', ') + '\n';
      const pr = pullRequestUrl(json);
      if (pr) {
        md += `\nPull request: [#${cell(String(json.pullRequest.number).replace(/[^0-9A-Za-z-]/g, ''))}](${pr})`;
        if (json.merged) md += `, merged${json.merged.mergedBy ? ' by ' + code(json.merged.mergedBy) : ''}`
          + `${json.merged.approvedBy ? ', approved by ' + code(json.merged.approvedBy) : ''}`;
        md += '\n';
      }
      md += gatesSection(verificationOf(json)) + rollbacksSection(json.rollbacks) + rollbackErrorsSection(json.rollbackErrors);
      return md;
    }
    case 'verify':
      return `${title}: ${code(json.environment || '')}\n` + gatesSection(verificationOf(json)) + rollbacksSection(json.rollbacks)
        + rollbackErrorsSection(json.rollbackErrors);
    case 'release':
      return `${title}: ${code(json.environment || '')}\n\nReleased ${cell(json.service)} ${code(json.image)}: it may be promoted there again.\n`;
    case 'rollback':
      return `${title}: ${code(json.environment || '')}\n` + rollbacksSection([json]) +
        (json.reason ? `\nReason: ${cell(json.reason)}\n` : '');
    case 'status':
      return `${title}\n\n` + statusSection(json);
    case 'scan': {
      const blocking = Array.isArray(json.blocking) ? json.blocking : [];
      const verdict = json.passed === false ? `**blocked**: ${blocking.length} blocking findings` : 'passed';
      return `${title}: ${code(json.image || '')} ${verdict}\n\n` + table(['finding', 'package', 'severity', 'fixed in', 'why'],
        blocking.map((f) => [f.id, f.package, f.severity, f.fixedVersion, f.why]));
    }
    default:
      return `${title}\n\n` + table(['field', 'value'], Object.entries(json)
        .filter(([, v]) => typeof v !== 'object' || v === null)
        .map(([k, v]) => [k, v]));
  }
}

function annotateResult(command, json) {
  if (!json) return;
  if (json.error) {
    const e = json.error;
    annotate('error', e.suggestion ? `${e.message}\n${e.suggestion}` : e.message,
      { file: e.file, line: e.line, col: e.column, title: `ferry ${command}` });
    return;
  }
  const verification = verificationOf(json);
  if (verification && Array.isArray(verification.outcomes)) {
    for (const o of verification.outcomes) {
      if (o.status === 'FAILED' || o.status === 'ERRORED') {
        annotate('error', o.reason || o.status, { title: `gate ${o.gate} ${String(o.status).toLowerCase()}` });
      }
    }
  }
  if (command === 'scan' && json.passed === false) {
    annotate('error', `${(json.blocking || []).length} blocking findings`, { title: 'ferry scan' });
  }
}

// ---- sub-commands --------------------------------------------------------------------------

function resolveVersion() {
  const props = path.join(__dirname, '..', '..', 'resources', 'dev', 'ferry', 'ferry.properties');
  const pinned = {};
  for (const line of fs.readFileSync(props, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trim().startsWith('#')) pinned[m[1]] = m[2];
  }
  const version = input('ferry-version') || pinned.version;
  const sha256 = input('ferry-version') ? input('ferry-sha256') : (input('ferry-sha256') || pinned.sha256 || '');
  const base = process.env.RUNNER_TOOL_CACHE || path.join(process.env.HOME || '.', '.cache');
  setOutput('version', version);
  setOutput('sha256', sha256);
  setOutput('tool-cache', path.join(base, 'ferry', 'tools'));
  return 0;
}

// JVM warnings (a locked hsperfdata file, ...) go to stderr: stdout is parsed as JSON
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmn24m', '-XX:-UsePerfData', '-Xlog:disable', '-Xlog:all=warning:stderr'];

function javaExecutable() {
  if (process.env.FERRY_JAVA) return process.env.FERRY_JAVA;
  if (process.env.JAVA_HOME) return path.join(process.env.JAVA_HOME, 'bin', 'java');
  return 'java';
}

/**
 * The signing-key input (a secret) goes to ferry as a file, never as an argument or in the
 * environment: a folder only this user can enter, a file only this user can read, removed when
 * ferry is done; FERRY_SIGNING_KEY_FILE names it (git.signing.keyFileEnv in ferry.yaml).
 * Returns the child's environment, without the key's text, and the clean-up.
 */
function signingKeyFile(env) {
  const childEnv = { ...env };
  delete childEnv.FERRY_INPUT_SIGNING_KEY;
  const key = env.FERRY_INPUT_SIGNING_KEY || '';
  if (key.trim() === '') return { env: childEnv, remove: () => {} };
  const dir = fs.mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), 'ferry-signing-'));
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, 'signing-key');
  fs.writeFileSync(file, key.endsWith('\n') ? key : key + '\n', { mode: 0o600, flag: 'wx' });
  childEnv.FERRY_SIGNING_KEY_FILE = file;
  return { env: childEnv, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function run() {
  let approved;
  try {
    approved = await withApprover(ferryArguments(process.env), process.env);
  } catch (e) {
    if (!(e instanceof InputError) && !(e instanceof ApiError)) throw e;
    annotate('error', e.message, { title: 'ferry action' });
    summary(`### Ferry\n\n${cell(e.message)}\n`);
    return e instanceof InputError ? 2 : 3;
  }
  if (approved.unapproved !== undefined) {
    const message = `nobody approved the deployment to GitHub environment '${approved.unapproved}' in this run: `
      + `run the job with environment: ${approved.unapproved} and required reviewers`;
    annotate('error', message, { title: 'ferry promote' });
    summary(`### Ferry promote\n\n${cell(message)}\n`);
    return 1;
  }
  const args = approved.args;
  const command = args[0];
  const jar = process.env.FERRY_JAR;
  if (!jar) {
    annotate('error', 'FERRY_JAR is not set: the install step did not run', { title: 'ferry action' });
    return 2;
  }
  // --json right after the command: after '--' it would be a service
  const argv = [...JVM_OPTIONS, '-jar', jar, args[0], '--json', ...args.slice(1)];
  let signing;
  try {
    signing = signingKeyFile(process.env);
  } catch (e) {
    annotate('error', `cannot write the signing key to a private temporary file: ${e.code || 'error'}`, { title: 'ferry action' });
    return 3;
  }
  let child;
  try {
    child = spawnSync(javaExecutable(), argv, {
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
      env: signing.env,
    });
  } finally {
    signing.remove();
  }
  if (child.error) {
    annotate('error', `cannot run java: ${child.error.message}`, { title: 'ferry action' });
    return 3;
  }
  const exitCode = child.status === null ? 3 : child.status;
  const stdout = (child.stdout || '').trim();
  let json = null;
  try {
    json = stdout ? JSON.parse(stdout) : null;
  } catch (e) {
    process.stderr.write(`ferry printed no JSON document:\n${stdout.split(/\r?\n/).map(inert).join('\n')}\n`);
  }
  setOutput('result', stdout);
  setOutput('exit-code', exitCode);
  if (json && !json.error) {
    setOutput('commit', json.commit || '');
    setOutput('promotion-id', json.promotionId || '');
    setOutput('pull-request-url', pullRequestUrl(json));
  } else {
    setOutput('commit', '');
    setOutput('promotion-id', '');
    setOutput('pull-request-url', '');
  }
  let md = renderSummary(command, args, exitCode, json);
  if (command === 'promote' && exitCode === 0 && json && json.environment && !json.noop) {
    md += deliverySection(ferryJson(jar, ['metrics', args[1], `--env=${json.environment}`]), json.environment);
  }
  summary(md);
  annotateResult(command, json);
  return exitCode;
}

/** A second, read-only run of ferry (the environment's DORA keys); null when it gives no JSON. */
function ferryJson(jar, args) {
  const child = spawnSync(javaExecutable(), [...JVM_OPTIONS, '-jar', jar, ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024, encoding: 'utf8',
  });
  try {
    return child.status === 0 && child.stdout ? JSON.parse(child.stdout) : null;
  } catch (e) {
    return null;
  }
}

function seconds(s) {
  if (s === null || s === undefined) return '–';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** The environment's four DORA keys over ferry metrics' window, from `ferry metrics --json`. */
function deliverySection(metrics, environment) {
  const keys = metrics && metrics.environments && metrics.environments[environment];
  if (!keys) return '';
  const rate = keys.changeFailureRate === null || keys.changeFailureRate === undefined
    ? '–' : `${Math.round(keys.changeFailureRate * 1000) / 10}%`;
  const spread = (s) => (s && s.count ? `${seconds(s.median)} / ${seconds(s.p90)}` : '–');
  const mark = (key) => {
    const t = keys.targets && keys.targets[key];
    return t && t.met !== null && t.met !== undefined ? (t.met ? ' ✅' : ` ❌ (target ${t.target})`) : '';
  };
  return `\n#### Delivery in ${code(environment)} over ${cell(metrics.windowDays)} days\n\n` + table(
    ['deployments', 'per day', 'lead time p50 / p90', 'change failure rate', 'time to restore p50 / p90'],
    [[keys.deployments, `${keys.deploymentsPerDay}${mark('deploymentsPerDay')}`, `${spread(keys.leadTimeSeconds)}${mark('leadTime')}`,
      `${rate}${mark('changeFailureRate')}`, `${spread(keys.timeToRestoreSeconds)}${mark('timeToRestore')}`]]);
}

async function main(argv) {
  switch (argv[0]) {
    case 'resolve-version':
      return resolveVersion();
    case 'run':
      return run();
    default:
      process.stderr.write('usage: ferry-action.js (resolve-version | run)\n');
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

module.exports = { ferryArguments, renderSummary, deliverySection, escapeData, escapeProperty, inert, cell, SERVICE_NAME,
  signingKeyFile };
