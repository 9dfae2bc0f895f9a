// Compiles every app and library to dist/ with SWC (decorator metadata included, which Nest's
// dependency injection needs) and rewrites @smsgate/* imports to relative paths.
// Type checking is separate: `nx run-many -t typecheck`.
import { transformFile } from '@swc/core';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

await rm(out, { recursive: true, force: true });
const jobs = [];
for (const top of ['apps', 'libs']) {
  for await (const file of sources(path.join(root, top))) {
    jobs.push(
      (async () => {
        const rel = path.relative(root, file);
        const target = path.join(out, rel.replace(/\.ts$/, '.js'));
        const result = await transformFile(file, {
          ...swcrc,
          swcrc: false,
          filename: file,
          sourceFileName: path.relative(path.dirname(target), file),
          jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
        });
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, `${result.code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
        if (result.map) await writeFile(`${target}.map`, result.map);
      })(),
    );
  }
}
await Promise.all(jobs);
console.log(`built ${jobs.length} files into dist/`);
