// Bundle and minify the front end into dist/, which the Go server embeds.
// index.html is an html/template: the server fills {{.Greeting}} in at start-up.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';

const outdir = new URL('./dist/', import.meta.url);
// Clear old output but keep the committed placeholder that lets `go test` compile unbuilt.
await mkdir(outdir, { recursive: true });
for (const name of await readdir(outdir)) {
  if (name !== '.gitkeep') await rm(new URL(name, outdir), { recursive: true });
}
await build({
  entryPoints: [new URL('./src/main.js', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: new URL('app.js', outdir).pathname,
  logLevel: 'info',
});
await copyFile(new URL('./src/index.html', import.meta.url), new URL('index.html', outdir));
await copyFile(new URL('./src/style.css', import.meta.url), new URL('style.css', outdir));
