// Reading an .onnx file from disk: a missing file, or bytes that do not decode as an ONNX
// model, are refused naming the file (decode.ts), instead of a raw ENOENT.
import { readBinaryFile } from '../../io/read-file.ts';
import { decodeOnnx, type ModelProto } from './decode.ts';

export interface OnnxFile {
  bytes: Uint8Array;
  model: ModelProto;
}

export async function readOnnxFile(path: string): Promise<OnnxFile> {
  const bytes = new Uint8Array(await readBinaryFile(path, 'an ONNX file'));
  return { bytes, model: decodeOnnx(bytes, path) };
}
