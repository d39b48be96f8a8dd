/**
 * `npm run build [-- --out-dir <dir>]`: the production bot as plain JavaScript, for `node dist/src/index.js`.
 *
 * TypeScript compiles src/, dialogs/ and cards/ (tsconfig.build.json) and copies the locale JSON they import.
 * One thing tsc cannot do: the sources import relative modules without an extension (`./config`,
 * `../store/memory-store`), which tsx and Vite resolve but Node's ESM loader does not (it needs the file:
 * `./config/index.js`). So the emit gets one transformer that rewrites every relative import, export and
 * dynamic import() to the file TypeScript itself resolved it to, with `.js`. Nothing else changes; no loader
 * hook, no tsx, no esbuild binary is needed at run time, so the output runs on any platform's Node.
 */
import { rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUILD_CONFIG = join(ROOT, 'tsconfig.build.json');
/** What `npm start` runs, relative to the output folder. */
export const ENTRY_POINT = join('src', 'index.js');

export interface BuildResult {
  outDir: string;
  /** Files written (JavaScript and JSON). */
  files: string[];
  /** Relative specifiers rewritten to their `.js` file. */
  rewritten: number;
}

function describe(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

const RELATIVE = /^\.{1,2}\//;
const HAS_EXTENSION = /\.(?:js|mjs|cjs|json)$/;

/**
 * The transformer: `'./x'` → `'./x.js'`, `'./dir'` → `'./dir/index.js'`, using TypeScript's own module
 * resolution from the source file, so the emitted file is exactly the one the type checker saw.
 */
function relativeSpecifiers(
  options: ts.CompilerOptions,
  counter: { rewritten: number },
): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sourceFile) => {
    const from = sourceFile.fileName;
    const rewrite = (specifier: string): string => {
      if (!RELATIVE.test(specifier) || HAS_EXTENSION.test(specifier)) return specifier;
      const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule;
      if (!resolved || !/\.ts$/.test(resolved.resolvedFileName) || resolved.resolvedFileName.endsWith('.d.ts')) {
        throw new Error(`${relative(ROOT, from)}: cannot resolve "${specifier}" to a TypeScript source file`);
      }
      const target = relative(dirname(from), resolved.resolvedFileName).replace(/\.ts$/, '.js').split('\\').join('/');
      counter.rewritten++;
      return target.startsWith('.') ? target : `./${target}`;
    };
    const { factory } = context;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const to = rewrite(node.moduleSpecifier.text);
        if (to !== node.moduleSpecifier.text) {
          return factory.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            factory.createStringLiteral(to),
            node.attributes,
          );
        }
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const to = rewrite(node.moduleSpecifier.text);
        if (to !== node.moduleSpecifier.text) {
          return factory.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            factory.createStringLiteral(to),
            node.attributes,
          );
        }
      }
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments.length >= 1 &&
        ts.isStringLiteral(node.arguments[0]!)
      ) {
        const [first, ...rest] = node.arguments;
        const to = rewrite((first as ts.StringLiteral).text);
        return factory.updateCallExpression(node, node.expression, node.typeArguments, [
          factory.createStringLiteral(to),
          ...rest.map((a) => ts.visitEachChild(a, visit, context)),
        ]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}

/** Type-checks and compiles the production sources into `outDir` (emptied first). Throws on any error. */
export function build(outDir = join(ROOT, 'dist')): BuildResult {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(describe([d]));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(BUILD_CONFIG, { outDir: resolve(outDir) }, host);
  if (!parsed) throw new Error(`cannot read ${BUILD_CONFIG}`);
  if (parsed.errors.length > 0) throw new Error(describe(parsed.errors));
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new Error(describe(diagnostics));

  rmSync(parsed.options.outDir!, { recursive: true, force: true });
  const counter = { rewritten: 0 };
  const files: string[] = [];
  const emitted = program.emit(
    undefined,
    (fileName, text) => {
      ts.sys.writeFile(fileName, text);
      files.push(fileName);
    },
    undefined,
    false,
    { after: [relativeSpecifiers(parsed.options, counter)] },
  );
  if (emitted.diagnostics.length > 0) throw new Error(describe(emitted.diagnostics));
  return { outDir: parsed.options.outDir!, files, rewritten: counter.rewritten };
}

function outDirArgument(argv: string[]): string | undefined {
  const at = argv.indexOf('--out-dir');
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (!value) throw new Error('--out-dir needs a folder, e.g. npm run build -- --out-dir /tmp/pimbot-dist');
  return resolve(value);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const started = Date.now();
    const result = build(outDirArgument(process.argv.slice(2)));
    console.log(
      `Built ${result.files.length} files into ${relative(process.cwd(), result.outDir) || '.'} in ${Date.now() - started} ms (${result.rewritten} relative imports given their .js file). Run: node ${join(relative(process.cwd(), result.outDir) || '.', ENTRY_POINT)}`,
    );
  } catch (err) {
    console.error(`Build failed:\n${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
