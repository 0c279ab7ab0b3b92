// Engine selection: what is installed here (wasm and cpu; tfjs-node cannot be installed
// on these machines, docs/facts.md#installs), the reasons given for what is not, and the CLI table.
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ENGINE_NAMES, listEngines, selectEngine } from '../../../src/backends/tfjs/engines.ts';
import { register } from '../../../src/cli/engines.ts';
import { hasWebGpu, noWebGpu } from '../../helpers/webgpu.ts';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const engines = await listEngines();
const status = (name: string) => engines.find((e) => e.name === name)!;

describe('listEngines', () => {
  it('lists gpu, webgpu, node, wasm, cpu in preference order; wasm and cpu ship with the project', () => {
    expect(engines.map((e) => e.name)).toEqual(['gpu', 'webgpu', 'node', 'wasm', 'cpu']);
    expect(status('wasm')).toEqual({ name: 'wasm', status: 'available', detail: "@tensorflow/tfjs-backend-wasm, tfjs backend 'wasm'" });
    expect(status('cpu')).toEqual({ name: 'cpu', status: 'available', detail: "built into @tensorflow/tfjs, tfjs backend 'cpu'" });
  });

  it.skipIf(status('node').status !== 'not installed')('names the missing package', () => {
    expect(status('node').detail).toBe('@tensorflow/tfjs-node is not installed');
  });
});

describe.skipIf(!hasWebGpu)(`webgpu on SwiftShader${noWebGpu ? ` (skipped: ${noWebGpu})` : ''}`, () => {
  it('reports the adapter, and that auto passes over a software adapter', () => {
    expect(status('webgpu')).toMatchObject({ status: 'available', notForAuto: expect.stringContaining('--engine webgpu') });
    expect(status('webgpu').detail).toMatch(/adapter: vendor google, architecture swiftshader, .*software adapter/);
  });

  it('--engine webgpu computes a convolution on the GPU path; auto does not take it', async () => {
    expect((await selectEngine('webgpu')).name).toBe('webgpu');
    const y = tf.conv2d(tf.ones([1, 3, 3, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'valid');
    expect(Array.from(await y.data())).toEqual([9]);
    expect((await selectEngine('auto')).name).not.toBe('webgpu');
  });
});

describe('selectEngine', () => {
  for (const name of ['wasm', 'cpu'] as const) {
    it(`${name}: becomes the tfjs backend and computes a convolution`, async () => {
      const engine = await selectEngine(name);
      expect(engine.name).toBe(name);
      expect(tf.getBackend()).toBe(name);
      const y = tf.conv2d(tf.ones([1, 3, 3, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'valid');
      expect(Array.from(y.dataSync())).toEqual([9]);
    });
  }

  it('auto takes the first available engine', async () => {
    const engine = await selectEngine('auto');
    expect(engine.name).toBe(engines.find((e) => e.status === 'available' && !e.notForAuto)!.name);
  });

  it.skipIf(status('gpu').status !== 'not installed')('an unavailable engine is an error saying why', async () => {
    await expect(selectEngine('gpu')).rejects.toThrow(
      "engine 'gpu' is not available: gpu: not installed (@tensorflow/tfjs-node-gpu is not installed)",
    );
  });

  it('an unknown engine name repeats it and lists the choices', async () => {
    await expect(selectEngine('tpu' as never)).rejects.toThrow(`unknown engine 'tpu': expected auto, ${ENGINE_NAMES.join(', ')}`);
  });
});

describe('unet engines', () => {
  it('prints one row per engine and the one auto selects', async () => {
    const program = new Command();
    register(program);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await program.parseAsync(['node', 'unet', 'engines']);
    const text = write.mock.calls.map((c) => String(c[0])).join('');
    write.mockRestore();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[3]).toMatch(/^wasm\s+available\s+@tensorflow\/tfjs-backend-wasm/);
    expect(lines[5]).toBe(`auto selects: ${engines.find((e) => e.status === 'available' && !e.notForAuto)!.name}`);
  });
});
