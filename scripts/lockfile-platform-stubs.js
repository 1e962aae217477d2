#!/usr/bin/env node
/**
 * Run after `npm install` changes package-lock.json. The package registry reachable here does
 * not serve msgpackr-extract's builds for other platforms (darwin, win32, linux-arm), so npm
 * leaves them out of the lock file, and `npm ci` then refuses the lock as out of sync. This
 * adds the missing entries as optional packages for their own platforms only: never
 * downloaded here, present so the lock describes the whole tree.
 */
const { readFileSync, writeFileSync } = require('node:fs');

const path = require('node:path').join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [name, entry] of Object.entries(packages)) {
  for (const [dependency, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${dependency}`;
    if (packages[key] || !dependency.startsWith('@msgpackr-extract/')) continue;
    const [, os, cpu] = /-(darwin|linux|win32)-(\w+)$/.exec(dependency) ?? [];
    if (!os) throw new Error(`cannot tell the platform of ${dependency} (from ${name})`);
    packages[key] = { version, cpu: [cpu], license: 'MIT', optional: true, os: [os] };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock file: ${added} platform stub(s) added`);
