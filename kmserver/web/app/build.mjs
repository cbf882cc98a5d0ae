// Builds the web app into ../static (committed, so `pip install` needs no Node).
// Deterministic: the same lock file and sources give byte-identical output,
// which CI checks (.ci/run: npm ci, npm run build, git diff --exit-code).
import { build } from 'esbuild'
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'

const out = new URL('../static/', import.meta.url).pathname
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

// The rep's screen loads without the editor: CodeMirror and its Yjs binding are a
// chunk fetched when someone presses Edit (ES modules, split by esbuild).
await build({
  entryPoints: { app: 'src/main.js', help: 'src/help.js' },
  bundle: true,
  minify: process.env.KM_DEBUG !== '1',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: out,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning'
})
for (const name of readdirSync('public')) copyFileSync(`public/${name}`, `${out}${name}`)
