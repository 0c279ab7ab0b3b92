// .onnx bytes -> ModelProto with onnx-proto's protobufjs classes. Browser-safe (no Node
// built-in): `unet predict`/`eval`/`import` (read.ts) and the playground's network page decode
// files with it. Bytes that do not decode (truncated, another kind of file) are refused naming
// the file, instead of protobuf's "invalid wire type 6 at offset 227".
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** decodeModel, with an error that names `name` (a path or a file's name). */
export function decodeOnnx(bytes: Uint8Array, name: string): ModelProto {
  try {
    return decodeModel(bytes);
  } catch (error) {
    throw new Error(`${name}: not a readable ONNX file (truncated, or not ONNX): ${(error as Error).message}`);
  }
}
