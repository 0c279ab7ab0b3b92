// User strings in generated code: one escaping function per place (Python literal, Python
// comment, Markdown), and `unet emit torch` on a spec whose file name holds a newline and
// Python code must produce a model.py in which that code is only text.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { markdownCode, pyComment, pyString } from '../../../src/backends/torch/escape.ts';
import { PYTHON } from './python.ts';

const hasPython = spawnSync(PYTHON, ['-c', 'import ast'], { stdio: 'ignore' }).status === 0;
if (!hasPython) console.warn(`skipping the Python checks of escaping: ${PYTHON} does not run; install Debian's python3`);

const NASTY = ['plain', 'a "quoted" \'word\'', 'back\\slash\\', 'new\nline\r\n', 'x\nimport os; os.system("id")\n#', 'tab\tnul\0bell\x07', 'ünïcödé 细胞', 'astral 🧫 \u{1F52C}', 'line\u2028para\u2029next\x85', '`tick` ```'];

describe('pyString', () => {
  test('is one line of printable ASCII', () => {
    for (const s of NASTY) expect(pyString(s)).toMatch(/^"[\x20-\x7e]*"$/);
  });

  test('escapes quotes, backslashes, newlines and non-ASCII as Python does', () => {
    expect(pyString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(pyString('é细🧫')).toBe('"\\xe9\\u7ec6\\U0001f9eb"');
  });

  test.skipIf(!hasPython)('Python reads every literal back as the same string (needs python3)', () => {
    const script = 'import ast, json, sys\nfor line in sys.stdin.read().splitlines():\n    print(json.dumps(ast.literal_eval(line)))';
    const out = spawnSync(PYTHON, ['-c', script], { input: NASTY.map(pyString).join('\n'), encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n').map((l) => JSON.parse(l) as string)).toEqual(NASTY);
  });
});

describe('pyComment and markdownCode', () => {
  test('stay on one line whatever the text holds', () => {
    for (const s of NASTY) {
      expect(pyComment(s)).toMatch(/^[\x20-\x7e]*$/);
      expect(markdownCode(s)).toMatch(/^`[^`\n\r]*`$/);
    }
    expect(pyComment('x\nimport os')).toBe('x\\nimport os');
  });
});

describe('unet emit torch on a spec named with a newline and code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-escape-'));
  const hostile = join(dir, 'x\nimport os; os.system("touch CANARY")\n#.unet');
  const benign = join(dir, 'benign.unet');
  copyFileSync('specs/ellipses.unet', hostile);
  copyFileSync('specs/ellipses.unet', benign);
  const emit = (spec: string, out: string) => spawnSync(process.execPath, ['bin/unet.js', 'emit', 'torch', spec, '--out', join(dir, out)], { encoding: 'utf8' });
  beforeAll(() => {
    expect(emit(hostile, 'hostile').stderr).toBe('');
    expect(emit(benign, 'benign').stderr).toBe('');
  });

  test('model.py and README.md hold the name as escaped text only', () => {
    const model = readFileSync(join(dir, 'hostile', 'model.py'), 'utf8');
    expect(model).not.toMatch(/^import os; os\.system/m);
    expect(model.split('\n')[0]).toContain('x\\nimport os; os.system("touch CANARY")\\n#.unet');
    expect(readFileSync(join(dir, 'hostile', 'README.md'), 'utf8')).not.toMatch(/^import os/m);
  });

  test.skipIf(!hasPython)('its Python is the benign one statement for statement: nothing the name holds can run (needs python3)', () => {
    // The syntax trees with string constants blanked: equal unless the name added code.
    const script = [
      'import ast, sys',
      'class Blank(ast.NodeTransformer):',
      '    def visit_Constant(self, node):',
      '        return ast.Constant("") if isinstance(node.value, str) else node',
      'trees = [ast.dump(Blank().visit(ast.parse(open(p).read()))) for p in sys.argv[1:]]',
      'print(trees[0] == trees[1])',
    ].join('\n');
    const out = spawnSync(PYTHON, ['-c', script, join(dir, 'hostile', 'model.py'), join(dir, 'benign', 'model.py')], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('True');
  });
});
