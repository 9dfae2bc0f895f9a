// Compiles every app and library to dist/ with SWC (decorator metadata included, which Nest's
// dependency injection needs) and rewrites @smsgate/* imports to relative paths.
// `node scripts/build.mjs libs/kafka apps/ingress` compiles only those projects (each project's Nx build
// target: the output of one project does not depend on another's, so Nx can cache each).
// Type checking is separate: `nx run-many -t typecheck`.
import { transformFile } from '@swc/core';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const { $schema: _schema, ...swcrc } = JSON.parse(await readFile(path.join(root, '.swcrc.json'), 'utf8'));
const { compilerOptions } = JSON.parse(await readFile(path.join(root, 'tsconfig.base.json'), 'utf8'));

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.ts$/.test(entry.name) && !/\.(spec|integration-spec|e2e-spec|d)\.ts$/.test(entry.name))
      yield full;
  }
}

const projects = process.argv.slice(2).map((dir) => path.relative(root, path.resolve(root, dir)));
if (projects.some((dir) => !/^(apps|libs)\/[a-z-]+$/.test(dir)))
  throw new Error(
    `build.mjs takes project folders such as libs/kafka, not ${process.argv.slice(2).join(' ')}`,
  );
const roots = projects.length > 0 ? projects : ['apps', 'libs'];

if (projects.length === 0) await rm(out, { recursive: true, force: true });
else for (const dir of projects) await rm(path.join(out, dir), { recursive: true, force: true });
// The console's pages (apps/console/ui) run in the browser: ES modules, imports as written, and the charting
// library's module copied beside them (the page loads nothing from elsewhere).
const browserDir = path.join('apps', 'console', 'ui');
const isBrowserCode = (rel) => rel.startsWith(`${browserDir}${path.sep}`);
const BROWSER_MODULES = { uplot: './vendor/uPlot.esm.js' };

const jobs = [];
for (const top of roots) {
  for await (const file of sources(path.join(root, top))) {
    jobs.push(
      (async () => {
        const rel = path.relative(root, file);
        const target = path.join(out, rel.replace(/\.ts$/, '.js'));
        const browser = isBrowserCode(rel);
        const result = await transformFile(file, {
          ...swcrc,
          swcrc: false,
          filename: file,
          sourceFileName: path.relative(path.dirname(target), file),
          ...(browser
            ? { module: { type: 'es6' }, jsc: { ...swcrc.jsc, transform: {}, keepClassNames: false } }
            : { jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths } }),
        });
        let code = result.code;
        if (browser)
          code = code.replace(/from\s*(["'])([^"']+)\1/g, (whole, _quote, name) =>
            Object.hasOwn(BROWSER_MODULES, name) ? `from '${BROWSER_MODULES[name]}'` : whole,
          );
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
        if (result.map) await writeFile(`${target}.map`, result.map);
      })(),
    );
  }
}
if (roots.includes('apps') || projects.includes(path.join('apps', 'console'))) {
  const uiOut = path.join(out, browserDir);
  await mkdir(path.join(uiOut, 'vendor'), { recursive: true });
  for (const entry of await readdir(path.join(root, browserDir))) {
    if (/\.(html|css|svg)$/.test(entry))
      jobs.push(copyFile(path.join(root, browserDir, entry), path.join(uiOut, entry)));
  }
  const uplot = path.join(root, 'node_modules', 'uplot', 'dist');
  jobs.push(copyFile(path.join(uplot, 'uPlot.esm.js'), path.join(uiOut, 'vendor', 'uPlot.esm.js')));
  jobs.push(copyFile(path.join(uplot, 'uPlot.min.css'), path.join(uiOut, 'vendor', 'uPlot.min.css')));
}
await Promise.all(jobs);
console.log(`built ${jobs.length} files into dist/${projects.length === 1 ? projects[0] : ''}`);
