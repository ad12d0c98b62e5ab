#!/usr/bin/env node
// Makes the app the interop scenarios run in with INTEROP_APP_DIR (see
// scenario-location.ts): an empty project where the packed tarball is
// installed the way a user installs it, beside the OpenTelemetry packages the
// scenarios load — unpinned, so npm picks the line this Node gets (the newest
// line, SDK 3.x, on Node 22.15+) — and the frameworks and instrumentations of
// other vendors at the versions this repository tests (its devDependencies).
// npm runs on the Node that runs this script.
//
//   node test/interop/install-line-app.mjs <empty dir>
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const app = process.argv[2] ? resolve(process.argv[2]) : undefined;
if (app === undefined) {
  console.error('usage: node test/interop/install-line-app.mjs <empty dir>');
  process.exit(2);
}
const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(delimiter) };
for (const name of Object.keys(env)) if (/^npm_(package|lifecycle)_/.test(name)) delete env[name];
const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

mkdirSync(app, { recursive: true });
writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'interop-line-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', app], root));

const [major, minor] = process.versions.node.split('.').map(Number);
const newestLine = major > 22 || (major === 22 && minor >= 15);
const OPENTELEMETRY = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/sdk-logs',
  '@opentelemetry/core',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/instrumentation',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-undici',
  '@opentelemetry/instrumentation-openai',
  // API 1.10 has the logs API in it; before, it is a package of its own.
  ...(newestLine ? [] : ['@opentelemetry/api-logs']),
];
const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const FRAMEWORKS = /^(openai|ai|langchain|zod|@ai-sdk\/|@anthropic-ai\/|@arizeai\/|@langchain\/|@modelcontextprotocol\/|@openai\/|@traceloop\/)/;
const frameworks = Object.entries(devDependencies).filter(([name]) => FRAMEWORKS.test(name)).map(([name, version]) => `${name}@${version}`);

npm(['install', `./${filename}`, ...OPENTELEMETRY, ...frameworks, '--loglevel=error'], app);
const version = (name) => JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
const [api, sdkTrace] = [version('@opentelemetry/api'), version('@opentelemetry/sdk-trace')];
console.log(`interop app in ${app}: @opentelemetry/api ${api}, sdk-node ${version('@opentelemetry/sdk-node')}, sdk-trace ${sdkTrace}`);
// The app is only worth testing on the line this Node is meant to get (vitest's global setup checks it again).
const lineHeld = newestLine ? /^1\.(1\d|[2-9]\d)\./.test(api) && sdkTrace.startsWith('3.') : api.startsWith('1.9.') && sdkTrace.startsWith('2.');
if (!lineHeld) {
  console.error(`npm installed @opentelemetry/api ${api} and sdk-trace ${sdkTrace} on Node ${process.versions.node}, not the ${newestLine ? 'newest (API 1.10+, SDK 3.x)' : '2.x'} line`);
  process.exit(1);
}
