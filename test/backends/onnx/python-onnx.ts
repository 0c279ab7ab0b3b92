// Shared by checker.test.ts and specs.test.ts: Debian's python3-onnx, when it is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

// Checks the file, then infers the output shape from scratch (declared output dims cleared).
const CHECK = `
import json, sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
onnx.shape_inference.infer_shapes(m, strict_mode=True)
m.graph.output[0].type.tensor_type.ClearField("shape")
out = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph.output[0]
print(json.dumps([d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]))
`;

export const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
if (!hasOnnx) console.warn(`skipping the ONNX checker tests: '${PYTHON} -c "import onnx"' fails; install Debian's python3-onnx`);

const dir = mkdtempSync(join(tmpdir(), 'unet-onnx-check-'));

/** Runs the checker on an export and returns the inferred output dims. */
export function inferOutputDims(bytes: Uint8Array, name: string): (string | number)[] {
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return JSON.parse(execFileSync(PYTHON, ['-c', CHECK, path], { encoding: 'utf8' }));
}

